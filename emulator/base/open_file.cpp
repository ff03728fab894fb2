#include "emulator/base/open_file.h"

#include <unistd.h>

namespace bf {

OpenFile::~OpenFile() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace bf
