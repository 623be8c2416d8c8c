"""Protobuf messages of proto/, built at runtime, and a Connect client.

No generated Python code: `protoc --descriptor_set_out` turns the .proto files
(the source of truth) into a descriptor set, and google.protobuf's message
factory makes classes from it. The Connect client is PyPI connectrpc's
ConnectClientSync, which needs only a MethodInfo (names + message classes)
and a codec: `connectrpc.compat`'s encode Google protobuf messages.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from reeltest import REPO

PROTO_DIR = REPO / "proto"

# The services the sample plugins implement: "package.Service/Method" -> (input, output).
METHODS = {
    "reel.hello.v1.HelloService/Greet": ("reel.hello.v1.GreetRequest", "reel.hello.v1.GreetResponse"),
    "reel.helloc.v1.EchoService/Echo": ("reel.helloc.v1.EchoRequest", "reel.helloc.v1.EchoResponse"),
    "reel.helloc.v1.EchoService/Stats": ("reel.helloc.v1.StatsRequest", "reel.helloc.v1.StatsResponse"),
}


class Protos:
    """Message classes by full name, from a descriptor set of proto/."""

    def __init__(self, descriptor_set: Path):
        files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set.read_bytes())
        self.pool = descriptor_pool.DescriptorPool()
        for file in files.file:  # --include_imports lists dependencies first
            self.pool.Add(file)
        # Full names of every service of proto/ (the imports from google/ have none).
        self.services = sorted(f"{file.package}.{service.name}" for file in files.file for service in file.service)
        self._classes: dict[str, type] = {}

    @classmethod
    def compile(cls, out_dir: Path) -> "Protos":
        out = out_dir / "reel.binpb"
        sources = sorted(str(p.relative_to(PROTO_DIR)) for p in PROTO_DIR.rglob("*.proto"))
        subprocess.run(["protoc", "--include_imports", f"--descriptor_set_out={out}", f"-I{PROTO_DIR}", *sources],
                       check=True, cwd=PROTO_DIR)
        return cls(out)

    def message(self, full_name: str) -> type:
        if full_name not in self._classes:
            self._classes[full_name] = message_factory.GetMessageClass(self.pool.FindMessageTypeByName(full_name))
        return self._classes[full_name]

    def method_info(self, method: str):
        from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType

        service, name = method.split("/")
        request_type, response_type = METHODS[method]
        return MethodInfo(name=name, service_name=service, input=self.message(request_type),
                          output=self.message(response_type), idempotency_level=IdempotencyLevel.UNKNOWN,
                          stream_type=StreamType.UNARY)

    def connect_client(self, port: int, *, json: bool = False):
        """connectrpc's synchronous client for the host's /rpc prefix, with
        compression off (Tests/live/connect runs its defaults too)."""
        from connectrpc.client import ConnectClientSync

        return ConnectClientSync(f"http://127.0.0.1:{port}/rpc", codec=codec(json), send_compression=None,
                                 accept_compression=(), timeout_ms=30_000)

    def call(self, port: int, method: str, *, json: bool = False, headers=None, **fields):
        """One unary Connect call; returns the response message (raises ConnectError)."""
        info = self.method_info(method)
        with self.connect_client(port, json=json) as client:
            return client.execute_unary(request=info.input(**fields), method=info, headers=headers)


def codec(json: bool):
    """connectrpc's codec for Google protobuf messages (its own defaults are
    for the protobuf-py runtime): the JSON mapping or the binary format."""
    from connectrpc.compat import google_protobuf_binary_codec, google_protobuf_json_codec

    return google_protobuf_json_codec() if json else google_protobuf_binary_codec()
