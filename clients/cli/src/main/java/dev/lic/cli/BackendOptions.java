package dev.lic.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** --offline or a server address. */
final class BackendOptions {
    @Mixin
    ServerOptions server;

    @Option(names = "--offline", description = "run the codec in this process instead of calling a server")
    boolean offline;

    Backend open() {
        return offline ? new OfflineBackend() : new RemoteBackend(server.connect());
    }
}
