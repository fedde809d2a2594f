"""A long-lived LibreOffice converter, run by ingest/convert.py under the system Python that
has LibreOffice's `uno` module (Debian's python3-uno); it imports nothing of Jixiao's.

It starts one headless soffice with a profile of its own, connects to it over a pipe, then
converts what it is asked on stdin, one JSON line per file, to .docx:

    {"source": "/tmp/x/in.doc", "target": "/tmp/x/out.docx"}  ->  {"ok": true} | {"error": "..."}

So a worker pays LibreOffice's start (a second or two) once, not once per file. When its
parent goes away (a worker stopped for time or memory), it takes soffice down with it.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

CONNECT_SECONDS = 60
WORD_2007 = "MS Word 2007 XML"
NEVER_EXECUTE = 0       # com.sun.star.document.MacroExecMode.NEVER_EXECUTE


class Unreadable(Exception):
    """LibreOffice opened nothing: not a document it knows, or one too damaged to read."""


def _property(name, value):
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def _start(soffice, profile, pipe):
    return subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
         "--nofirststartwizard", "--norestore", "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
         "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)


def _stop(office, profile):
    """soffice is a wrapper around soffice.bin: its whole process group goes, then its profile."""
    try:
        os.killpg(office.pid, signal.SIGKILL)
    except OSError:
        pass
    office.wait()
    shutil.rmtree(profile, ignore_errors=True)


def _desktop(pipe, office):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _convert(desktop, source, target):
    """Open read-only and hidden, macros never run; store as Word 2007 XML."""
    load = (_property("Hidden", True), _property("ReadOnly", True),
            _property("MacroExecutionMode", NEVER_EXECUTE))
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, load)
    if document is None:
        raise Unreadable()
    try:
        document.storeToURL(uno.systemPathToFileUrl(target), (_property("FilterName", WORD_2007),))
    finally:
        document.close(True)


def _watch_parent(office, profile):
    """Reparented means the worker died: soffice goes too."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    _stop(office, profile)
    os._exit(1)


def main():
    soffice, profile, pipe = sys.argv[1:4]
    office = _start(soffice, profile, pipe)
    threading.Thread(target=_watch_parent, args=(office, profile), daemon=True).start()
    try:
        desktop = _desktop(pipe, office)
        print(json.dumps({"ready": True, "office": office.pid}), flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            try:
                _convert(desktop, request["source"], request["target"])
                reply = {"ok": True}
            except Unreadable:
                reply = {"unreadable": True}
            except Exception as exc:    # a file LibreOffice cannot open: its reason, and on
                reply = {"error": ("%s: %s" % (type(exc).__name__, getattr(exc, "Message", "") or exc))[:300]}
            print(json.dumps(reply), flush=True)
    finally:
        _stop(office, profile)


if __name__ == "__main__":
    main()
