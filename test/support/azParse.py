# Runs az command lines through the Azure CLI's own code (azure.cli.core's AzCli.invoke, what /usr/bin/az runs),
# each in a forked child of one warmed-up interpreter, so a batch costs one start of az instead of one per
# command. Reads a JSON list of argument lists on stdin; prints a JSON list of {"args", "code", "stdout",
# "stderr"}. Used by test/support/azCli.ts, which runs it without network and without a sign-in.
import json
import os
import sys
import tempfile

from azure.cli.core import get_default_cli


def run(args):
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        try:
            code = get_default_cli().invoke(args)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        except BaseException as error:  # an unexpected error is a result too, reported on stderr
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else 1)
    _, status = os.waitpid(pid, 0)
    out.seek(0)
    err.seek(0)
    return {"args": args, "code": os.waitstatus_to_exitcode(status), "stdout": out.read().decode("utf-8", "replace"), "stderr": err.read().decode("utf-8", "replace")}


def main():
    batch = json.load(sys.stdin)
    # Warm up once (the command index and core modules), so every child starts from a loaded CLI.
    run(["version", "-o", "none"])
    json.dump([run(args) for args in batch], sys.stdout)


main()
