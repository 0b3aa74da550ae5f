"""Runs a command on a pseudo-terminal and answers its prompts, like a person would.

usage: pty-session.py '<json: {"argv": [...], "answers": [[prompt, reply], ...]}>'
Prints the whole terminal transcript, then a last line "EXIT <code>".
"""
import json
import os
import pty
import select
import sys

spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(spec["argv"][0], spec["argv"])

transcript = b""
answers = [(p.encode(), r.encode()) for p, r in spec["answers"]]
while True:
    ready, _, _ = select.select([fd], [], [], 30)
    if not ready:
        break
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    transcript += chunk
    if answers and answers[0][0] in transcript:
        os.write(fd, answers.pop(0)[1])
_, status = os.waitpid(pid, 0)
sys.stdout.write(transcript.decode("utf-8", "replace"))
sys.stdout.write("\nEXIT %d\n" % os.waitstatus_to_exitcode(status))
