// A function's process: started in a process group of its own (so a kill ends whatever it
// started), in its code folder, with only the environment it is given and none of the
// emulator's descriptors; what it prints (stdout and stderr) is read line by line on a thread
// of its own.
#pragma once
#include <sys/types.h>

#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bf {

class RuntimeProcess {
 public:
  struct Callbacks {
    // Each line it prints; output that never ends its line comes in pieces of kMaxLine.
    std::function<void(const std::string& line)> line;
    // Once, after the last line: "exit status 3", "signal: Killed".
    std::function<void(const std::string& reason)> exited;
  };
  static constexpr std::size_t kMaxLine = 256 * 1024;  // CloudWatch takes events up to 256 KB

  RuntimeProcess() = default;
  ~RuntimeProcess();  // kills it, and waits for the reader to hand on the last line
  RuntimeProcess(const RuntimeProcess&) = delete;
  RuntimeProcess& operator=(const RuntimeProcess&) = delete;

  // Starts `program` with `args` (argv[0] included) and `env` ("NAME=value") in `folder`;
  // an error message, or "".
  std::string start(const std::string& program, std::vector<std::string> args,
                    std::vector<std::string> env, const std::string& folder, Callbacks callbacks);
  void kill();
  // True while something it printed may not have reached `line` yet: bytes in the pipe, or
  // read but not handed on.
  bool output_pending();
  // Its peak resident memory (VmHWM) in MB; 0 when it cannot be read.
  int peak_memory_mb();

 private:
  void read_output(int fd);

  std::mutex mu_;
  pid_t pid_ = -1;
  int out_fd_ = -1;       // the read end of its output pipe, while open
  bool reading_ = false;  // the reader holds bytes it has not handed on
  bool exited_ = false;
  Callbacks callbacks_;
  std::thread reader_;
};

}  // namespace bf
