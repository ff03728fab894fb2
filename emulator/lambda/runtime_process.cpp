#include "emulator/lambda/runtime_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace bf {

RuntimeProcess::~RuntimeProcess() {
  kill();
  if (reader_.joinable()) reader_.join();
}

std::string RuntimeProcess::start(const std::string& program, std::vector<std::string> args,
                                  std::vector<std::string> env, const std::string& folder,
                                  Callbacks callbacks) {
  callbacks_ = std::move(callbacks);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return std::string("fork: ") + std::strerror(errno);
  }
  if (pid == 0) {
    ::setpgid(0, 0);  // its own group, so a timeout kills whatever it started too
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close_range(3, ~0U, 0);  // nothing of the emulator's (sockets, database) leaks in
    if (::chdir(folder.c_str()) != 0) _exit(126);
    ::execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  ::close(fds[1]);
  {
    std::lock_guard lock(mu_);
    pid_ = pid;
    out_fd_ = fds[0];
  }
  reader_ = std::thread([this, fd = fds[0]] { read_output(fd); });
  return "";
}

void RuntimeProcess::kill() {
  std::lock_guard lock(mu_);
  if (pid_ > 0 && !exited_) ::kill(-pid_, SIGKILL);
}

bool RuntimeProcess::output_pending() {
  std::lock_guard lock(mu_);
  if (reading_) return true;
  int unread = 0;
  return out_fd_ >= 0 && ::ioctl(out_fd_, FIONREAD, &unread) == 0 && unread > 0;
}

int RuntimeProcess::peak_memory_mb() {
  pid_t pid;
  {
    std::lock_guard lock(mu_);
    if (exited_ || pid_ <= 0) return 0;
    pid = pid_;
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmHWM:")) return static_cast<int>(std::atoll(line.c_str() + 6) / 1024);
  return 0;
}

void RuntimeProcess::read_output(int fd) {
  std::string partial;
  char buf[8192];
  while (true) {
    // Wait until there is something, and say so before taking it out of the pipe: whoever
    // waits for the output then sees either bytes in the pipe or `reading_`.
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    {
      std::lock_guard lock(mu_);
      reading_ = true;
    }
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      callbacks_.line(partial.substr(0, nl));
      partial.erase(0, nl + 1);
    }
    // Output that never ends its line is handed on in pieces rather than held without bound.
    while (partial.size() >= kMaxLine) {
      callbacks_.line(partial.substr(0, kMaxLine));
      partial.erase(0, kMaxLine);
    }
    std::lock_guard lock(mu_);
    reading_ = false;
  }
  if (!partial.empty()) callbacks_.line(partial);
  pid_t pid;
  {
    std::lock_guard lock(mu_);
    out_fd_ = -1;
    reading_ = false;
    pid = pid_;
  }
  ::close(fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  {
    std::lock_guard lock(mu_);
    exited_ = true;
  }
  callbacks_.exited(WIFSIGNALED(status) ? "signal: " + std::string(strsignal(WTERMSIG(status)))
                                        : "exit status " + std::to_string(WEXITSTATUS(status)));
}

}  // namespace bf
