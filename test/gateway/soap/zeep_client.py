"""Independent SOAP client for the interoperability test: python3-zeep loads the WSDL from a
running gateway and calls the operations it is given.

usage: /usr/bin/python3 zeep_client.py WSDL_URL < calls.json
stdin:  {"token": "...", "purpose": "<percent-encoded>", "calls": [{"op": "getRKZP", "params": {...}}, ...]}
stdout: a JSON list, one entry per call: {"op", "envelope": <the parsed `return` JSON>}
"""
import json
import sys

import requests
import zeep
from zeep.transports import Transport


def main() -> None:
    wsdl_url = sys.argv[1]
    spec = json.load(sys.stdin)
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + spec["token"]
    session.headers["X-Purpose"] = spec["purpose"]
    client = zeep.Client(wsdl_url, transport=Transport(session=session, timeout=20))
    out = []
    for call in spec["calls"]:
        returned = getattr(client.service, call["op"])(**call["params"])
        out.append({"op": call["op"], "envelope": json.loads(returned)})
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
