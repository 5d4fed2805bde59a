"""The environment of the harness's test servers (tests/servers/nachfass-servers), for the e2e
tests: what `start` wrote under "env" in DIR/servers.json (host, ports, users, passwords, CA)."""
import json
import os


def server_env(servers_dir):
    with open(os.path.join(servers_dir, "servers.json"), encoding="utf-8") as f:
        return dict(json.load(f)["env"])
