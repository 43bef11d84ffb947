#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int executable_file(const char *p) {
  struct stat st;
  return access(p, X_OK) == 0 && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *errno_name(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOEXEC: return "ENOEXEC";
    case E2BIG: return "E2BIG";
    case ENOMEM: return "ENOMEM";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case ETXTBSY: return "ETXTBSY";
    case EPERM: return "EPERM";
    case EISDIR: return "EISDIR";
    case EMFILE: return "EMFILE";
    case EAGAIN: return "EAGAIN";
    default: return "unknown error";
  }
}

const char *signal_name(int sig) {
  switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGSYS: return "SIGSYS";
    default: return "SIGUNKNOWN";
  }
}

/** Checked before starting: exec's own ENOENT does not say whether the command or the cwd is missing. */
static char *resolve(const AgentSpec *s, Buf *error) {
  struct stat st;
  if (stat(s->cwd, &st) != 0) {
    buf_addf(error, "Cannot start \"%s\": the working directory %s does not exist.", s->command, s->cwd);
    return NULL;
  }
  if (!S_ISDIR(st.st_mode)) {
    buf_addf(error, "Cannot start \"%s\": the working directory %s is not a directory.", s->command, s->cwd);
    return NULL;
  }
  if (strchr(s->command, '/')) {
    char *full = s->command[0] == '/' ? xstrdup(s->command) : path_join(s->cwd, s->command);
    if (executable_file(full)) return full;
    buf_addf(error, "Cannot start \"%s\": %s does not exist or is not executable.", s->command, full);
    free(full);
    return NULL;
  }
  const char *path = s->path_env ? s->path_env : getenv("PATH");
  if (!path) path = "";
  char *copy = xstrdup(path);
  char *save = NULL;
  for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    char *full = path_join(dir, s->command);
    if (executable_file(full)) {
      free(copy);
      return full;
    }
    free(full);
  }
  free(copy);
  buf_addf(error, "Cannot start \"%s\": command not found on PATH (%s).", s->command, *path ? path : "empty");
  return NULL;
}

int agent_spawn(const AgentSpec *s, AgentProc *out, Buf *error) {
  char *full = resolve(s, error);
  if (!full) return -1;
  int in[2], o[2], e[2], report[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(o, O_CLOEXEC) != 0 || pipe2(e, O_CLOEXEC) != 0 || pipe2(report, O_CLOEXEC) != 0) {
    buf_addf(error, "Cannot start \"%s\": %s", s->command, errno_name(errno));
    free(full);
    return -1;
  }
  // Signals wait until the child has put its handlers back to the defaults: the host's own handler must never
  // run in the child (a SIGTERM there would write into the host's signal pipe and stop the agent).
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t pid = fork();
  if (pid != 0) sigprocmask(SIG_SETMASK, &old, NULL);
  if (pid < 0) {
    int err = errno;
    int fds[] = {in[0], in[1], o[0], o[1], e[0], e[1], report[0], report[1]};
    for (size_t i = 0; i < sizeof fds / sizeof *fds; i++) close(fds[i]);
    buf_addf(error, "Cannot start \"%s\": %s", s->command, errno_name(err));
    free(full);
    return -1;
  }
  if (pid == 0) {
    // In the child: its own session and group (detached), so its whole tree can be signalled without the host.
    setsid();
    // The agent's files are the user's code: it runs under the user's umask, the host under 077.
    if (s->umask >= 0) umask((mode_t)s->umask);
    // Dispositions the host set (ignored SIGPIPE/SIGHUP) would be inherited across exec: back to the defaults.
    int sigs[] = {SIGPIPE, SIGHUP, SIGTERM, SIGINT, SIGCHLD, SIGQUIT};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int err;
    if (chdir(s->cwd) != 0 || dup2(in[0], 0) < 0 || dup2(o[1], 1) < 0 || dup2(e[1], 2) < 0) {
      err = errno;
    } else {
      execve(full, s->argv, s->envp);
      err = errno;
    }
    (void)!write(report[1], &err, sizeof err);
    _exit(127);
  }
  free(full);
  close(in[0]);
  close(o[1]);
  close(e[1]);
  close(report[1]);
  int err = 0;
  ssize_t r;
  do r = read(report[0], &err, sizeof err);
  while (r < 0 && errno == EINTR);
  close(report[0]);
  if (r == (ssize_t)sizeof err) {
    // exec failed: the child is gone already; collect it so it is not left a zombie.
    waitpid(pid, NULL, 0);
    close(in[1]);
    close(o[0]);
    close(e[0]);
    buf_addf(error, "Cannot start \"%s\": %s", s->command, errno_name(err));
    return -1;
  }
  int fds[] = {in[1], o[0], e[0]};
  for (size_t i = 0; i < 3; i++) fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
  out->pid = pid;
  out->in_fd = in[1];
  out->out_fd = o[0];
  out->err_fd = e[0];
  return 0;
}
