"""Run a command on a pseudo-terminal (120x40) and capture every byte it writes, as a person's
terminal would see them: the one capture every fixture recorder uses.

capture(argv, env, tick=None) -> (bytes, exit status)
  tick(fd) is called about every 0.2 s while the command runs (a recorder types Ctrl-C with
  os.write(fd, b"\\x03") from it).
"""
import fcntl, os, pty, select, signal, struct, termios


def capture(argv, env, tick=None):
    pid, fd = pty.fork()
    if pid == 0:
        # A shell's background job ignores SIGINT: restore the default so ^C interrupts.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execve(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    data = bytearray()
    while True:
        if tick is not None:
            tick(fd)
        try:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            break
    _, raw = os.waitpid(pid, 0)
    return bytes(data), os.waitstatus_to_exitcode(raw)
