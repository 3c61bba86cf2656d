package dev.lic.cli;

import dev.lic.api.ExitCodes;
import dev.lic.api.LicException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lic}: the command line of the LIC service. Exit codes follow docs/errors.md. */
@Command(name = "lic", mixinStandardHelpOptions = true, version = "lic 0.1.0",
        description = "Learned image codec: encode, store and decode images as one compact bitstream.",
        subcommands = {EncodeCommand.class, DecodeCommand.class, PutCommand.class, GetCommand.class,
                ListCommand.class, RemoveCommand.class, InfoCommand.class, RoundTripCommand.class,
                AdaptorsCommand.class})
public final class Main {
    // grpc-java logs transport details at INFO through java.util.logging; a CLI shows only problems.
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");
    private static final java.util.logging.Logger SHADED_GRPC_LOG =
            java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc");

    // The offline store logs what it found at INFO (object counts); the commands print what matters.
    private static final java.util.logging.Logger STORE_LOG = java.util.logging.Logger.getLogger("dev.lic.store");

    static {
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        SHADED_GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        STORE_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof LicException lic) {
                cmd.getErr().println("lic: " + lic.kind() + ": " + lic.getMessage());
                String hint = hint(lic.kind());
                if (hint != null) {
                    cmd.getErr().println("lic: " + hint);
                }
                return ExitCodes.of(lic.kind());
            }
            if (e instanceof java.io.IOException io) {
                cmd.getErr().println("lic: " + io);
                return ExitCodes.IO_ERROR;
            }
            if (e instanceof java.io.UncheckedIOException io) {
                // an offline store that cannot be read or written (its folder, a disk)
                cmd.getErr().println("lic: " + io.getMessage() + ": " + io.getCause());
                return ExitCodes.IO_ERROR;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** What to do about an admin refusal, beyond the server's message. */
    static String hint(dev.lic.api.ErrorKind kind) {
        return switch (kind) {
            case UNAUTHENTICATED -> "this is an admin call: pass --token TOKEN or set LIC_ADMIN_TOKEN";
            case PERMISSION_DENIED -> "the server refused the admin token: check --token / LIC_ADMIN_TOKEN against "
                    + "the server's lic.admin.token (LIC_ADMIN_TOKEN)";
            default -> null;
        };
    }
}
