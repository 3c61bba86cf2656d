package dev.lic.cli;

import dev.lic.client.LicClient;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the server is; shared by every command that talks to it. */
final class ServerOptions {
    @Option(names = "--server", defaultValue = "${env:LIC_SERVER:-localhost:9000}",
            description = "server address host:port (env LIC_SERVER; default ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--timeout", defaultValue = "120", description = "seconds per call (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    LicClient connect() {
        return LicClient.connect(target, Duration.ofSeconds(timeoutSeconds));
    }
}
