package dev.lic.cli;

import dev.lic.client.LicClient;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the server is; shared by every command that talks to it. */
final class ServerOptions {
    @Option(names = "--server", defaultValue = "${env:LIC_SERVER:-localhost:9000}",
            description = "server address host:port (env LIC_SERVER; default ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--timeout", defaultValue = "120", description = "seconds per call (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--token", defaultValue = "${env:LIC_ADMIN_TOKEN}",
            description = "admin token for admin calls: rm, adaptors register|activate|rollback|delete (env LIC_ADMIN_TOKEN); sent only with those calls")
    String token;

    LicClient connect() {
        return LicClient.connect(target, Duration.ofSeconds(timeoutSeconds), Optional.ofNullable(token));
    }
}
