# Runs a command under a 24x80 pseudo-terminal, as a person at a terminal emulator would, and prints everything the
# command wrote. Modes:
#   resize                 when READY appears, resize the terminal to 50x132 (the kernel sends SIGWINCH to ssh)
#   choose ENTRY LINE      when "Choose" appears, type the number printed before ENTRY, then LINE
import fcntl, os, pty, re, select, struct, sys, termios, time

mode = sys.argv[1]
arguments = sys.argv[2:4] if mode == "choose" else []
command = sys.argv[2 + len(arguments):]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))


def react(seen):
    if mode == "resize" and b"READY" in seen:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 132, 0, 0))
        return True
    if mode == "choose" and b"Choose" in seen:
        number = re.search(rb"(\d+)\) " + re.escape(arguments[0].encode()), seen).group(1)
        os.write(fd, number + b"\r")
        time.sleep(0.5)
        os.write(fd, arguments[1].encode() + b"\r")
        return True
    return False


seen = b""
done = False
deadline = time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    if not done:
        done = react(seen)
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
