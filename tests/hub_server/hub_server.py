#!/usr/bin/python3
"""A loopback stand-in for the Hugging Face hub, for sparrow's hub client tests (standard library only).

Serves model folders as revisions of one repository with the endpoints and headers huggingface_hub uses:
  GET  /api/models/{repo}[/revision/{rev}]   {"id", "sha", "siblings": [{"rfilename"}]}
  HEAD/GET /{repo}/resolve/{rev}/{file}       small files: 200 with ETag "<git blob sha1>", X-Repo-Commit;
                                              LFS files: 302 to /_lfs/<sha256>/<file> with X-Linked-Etag "<sha256>",
                                              X-Linked-Size, X-Repo-Commit
  HEAD/GET /_lfs/{sha256}/{file}              the content (the "CDN"), with Range support

Faults: --faults names a JSON file, re-read on every request: a list of rules
  {"id": "...", "match": "<substring of the path>", "method": "GET"|"HEAD"|"any", "times": n (-1: always),
   "mode": "drop" | "status" | "garbage" | "truncate" | "length_lie" | "ignore_range" | "stall" | "no_etag",
   "after": bytes (drop, stall), "status": code, "error_code": X-Error-Code, "seconds": stall time}
A rule applies to its first `times` matching requests (counted per id in this process).
Every request is appended to --log as one JSON line {"method", "path", "range", "authorization"}.
The server writes its port to --port-file once listening, and exits after --lifetime seconds whatever happens.
"""
import argparse
import hashlib
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LFS_MIN_BYTES = 100_000


class Blob:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        self.git_sha1 = hashlib.sha1(b"blob %d\0" % len(self.data) + self.data).hexdigest()
        self.lfs = len(self.data) >= LFS_MIN_BYTES or path.endswith(".bin")


class Hub:
    def __init__(self, args):
        self.repo = args.repo
        self.token = args.token
        self.faults_path = args.faults
        self.log_path = args.log
        self.lock = threading.Lock()
        self.fault_uses = {}
        self.revisions = {}  # name -> (commit, {file: Blob})
        self.by_sha256 = {}
        for spec in args.revision:
            name, folder = spec.split("=", 1)
            files = {}
            for entry in sorted(os.listdir(folder)):
                path = os.path.join(folder, entry)
                if os.path.isfile(path):
                    blob = Blob(path)
                    files[entry] = blob
                    self.by_sha256[blob.sha256] = blob
            commit = hashlib.sha1(("%s@%s" % (self.repo, name)).encode()).hexdigest()
            self.revisions[name] = (commit, files)

    def revision(self, rev):
        for name, (commit, files) in self.revisions.items():
            if rev in (name, commit):
                return commit, files
        return None

    def fault(self, method, path):
        if not self.faults_path or not os.path.exists(self.faults_path):
            return None
        try:
            with open(self.faults_path) as f:
                rules = json.load(f)
        except (OSError, ValueError):
            return None
        with self.lock:
            for rule in rules:
                if rule.get("match", "") not in path:
                    continue
                if rule.get("method", "any") not in ("any", method):
                    continue
                used = self.fault_uses.get(rule["id"], 0)
                times = rule.get("times", 1)
                if times >= 0 and used >= times:
                    continue
                self.fault_uses[rule["id"]] = used + 1
                return rule
        return None

    def log(self, entry):
        if not self.log_path:
            return
        with self.lock, open(self.log_path, "a") as f:
            f.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub = None

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.handle_request("HEAD")

    def do_GET(self):
        self.handle_request("GET")

    # -- helpers -------------------------------------------------------------------------------------------
    def send(self, status, body=b"", headers=None, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code=None, message=""):
        headers = {}
        if code:
            headers["X-Error-Code"] = code
        if message:
            headers["X-Error-Message"] = message
        self.send(status, json.dumps({"error": message}).encode(), headers)

    def drop(self):
        self.wfile.flush()
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True

    def authorized(self):
        if not self.hub.token:
            return True
        given = self.headers.get("Authorization", "")
        if given == "Bearer " + self.hub.token:
            return True
        if given:
            self.error(401, None, "Invalid credentials in Authorization header")
        else:
            self.error(401, None,
                       "Access to model %s is restricted. You must be authenticated to access it." % self.hub.repo)
        return False

    # -- routing -------------------------------------------------------------------------------------------
    def handle_request(self, method):
        raw_path = self.path
        path = urllib.parse.unquote(raw_path.split("?", 1)[0])
        self.hub.log({"time": round(time.time(), 3), "method": method, "path": raw_path, "range": self.headers.get("Range"),
                      "authorization": self.headers.get("Authorization")})
        rule = self.hub.fault(method, path)
        if rule and rule["mode"] == "status":
            return self.error(rule.get("status", 500), rule.get("error_code"), rule.get("message", "injected"))
        api = "/api/models/" + self.hub.repo
        resolve = "/" + self.hub.repo + "/resolve/"
        if path.startswith("/api/models/"):
            if not path.startswith(api + "/") and path != api:
                return self.error(404, "RepoNotFound", "Repository not found")
            if not self.authorized():
                return
            rest = path[len(api):]
            rev = "main"
            if rest.startswith("/revision/"):
                rev = rest[len("/revision/"):]
            elif rest not in ("", "/"):
                return self.error(404, None, "Not found")
            return self.api(rev, rule)
        if path.startswith(resolve):
            if not self.authorized():
                return
            rev, _, name = path[len(resolve):].partition("/")
            return self.resolve(rev, name, rule)
        if path.startswith("/_lfs/"):
            blob = self.hub.by_sha256.get(path[len("/_lfs/"):].split("/")[0])
            if blob is None:
                return self.error(404, None, "No such object")
            return self.content(blob, rule, {"ETag": '"%s"' % blob.sha256})
        if path.startswith("/") and path.count("/") >= 2 and "/resolve/" in path:
            return self.error(404, "RepoNotFound", "Repository not found")
        return self.error(404, None, "Not found")

    def api(self, rev, rule):
        found = self.hub.revision(rev)
        if found is None:
            return self.error(404, "RevisionNotFound", "Invalid rev id: " + rev)
        commit, files = found
        body = json.dumps({"id": self.hub.repo, "modelId": self.hub.repo, "sha": commit,
                           "siblings": [{"rfilename": f} for f in files]}).encode()
        if rule and rule["mode"] == "garbage":
            body = b"<html><body>502 Bad Gateway</body></html>"
        elif rule and rule["mode"] == "truncate":
            body = body[: len(body) // 2]
        self.send(200, body)

    def resolve(self, rev, name, rule):
        found = self.hub.revision(rev)
        if found is None:
            return self.error(404, "RevisionNotFound", "Invalid rev id: " + rev)
        commit, files = found
        blob = files.get(name)
        if blob is None:
            return self.error(404, "EntryNotFound", "%s does not exist on %s" % (name, rev))
        headers = {"X-Repo-Commit": commit}
        if blob.lfs:
            headers["X-Linked-Etag"] = '"%s"' % blob.sha256
            headers["X-Linked-Size"] = str(len(blob.data))
            headers["ETag"] = '"%s"' % blob.sha256
            # The hub redirects to its CDN with an absolute URL.
            headers["Location"] = "http://%s/_lfs/%s/%s" % (self.headers.get("Host", "127.0.0.1"), blob.sha256, name)
            if rule and rule["mode"] == "length_lie":
                headers["X-Linked-Size"] = str(len(blob.data) + 10)
            if rule and rule["mode"] == "no_etag":
                del headers["X-Linked-Etag"], headers["ETag"]
            return self.send(302, b"", headers, "text/plain")
        headers["ETag"] = '"%s"' % blob.git_sha1
        if rule and rule["mode"] == "no_etag":
            del headers["ETag"]
        return self.content(blob, rule, headers)

    def content(self, blob, rule, headers):
        data = blob.data
        mode = rule["mode"] if rule else None
        if mode == "garbage":
            data = bytes((b ^ 0x5A) for b in data[:64]) + data[64:]
        start = 0
        status = 200
        rng = self.headers.get("Range")
        if rng and mode != "ignore_range" and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[len("bytes="):-1])
            if start >= len(data):
                headers = dict(headers, **{"Content-Range": "bytes */%d" % len(data)})
                return self.send(416, b"", headers, "text/plain")
            status = 206
            headers = dict(headers, **{"Content-Range": "bytes %d-%d/%d" % (start, len(data) - 1, len(data))})
        body = data[start:]
        length = len(body)
        if mode == "length_lie" and self.command == "HEAD":
            length += 10
        if mode == "truncate":
            body = body[: len(body) // 2]
            length = len(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command == "HEAD":
            return
        if mode == "drop":
            self.wfile.write(body[: rule.get("after", len(body) // 2)])
            return self.drop()
        if mode == "stall":
            after = rule.get("after", len(body) // 2)
            self.wfile.write(body[:after])
            self.wfile.flush()
            time.sleep(rule.get("seconds", 30))
            return self.drop()
        self.wfile.write(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--revision", action="append", required=True, help="NAME=FOLDER; the first is main")
    parser.add_argument("--token", default="")
    parser.add_argument("--faults", default="")
    parser.add_argument("--log", default="")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--lifetime", type=float, default=120)
    args = parser.parse_args()

    Handler.hub = Hub(args)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True

    def expire():
        time.sleep(args.lifetime)
        os._exit(3)

    threading.Thread(target=expire, daemon=True).start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
