# Runs a command under a 24x80 pseudo-terminal, answers a menu: waits for "Choose", picks the number printed before
# the wanted entry (argv[1], e.g. "root@web-01"), then types argv[2] as a line. Prints everything the command wrote.
import fcntl, os, pty, re, select, struct, sys, termios, time

wanted, typed, command = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
seen = b""
answered = False
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
    if not answered and b"Choose" in seen:
        number = re.search(rb"(\d+)\) " + re.escape(wanted.encode()), seen).group(1)
        os.write(fd, number + b"\r")
        time.sleep(0.5)
        os.write(fd, typed.encode() + b"\r")
        answered = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
