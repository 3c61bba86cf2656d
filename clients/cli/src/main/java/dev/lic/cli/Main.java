package dev.lic.cli;

import dev.lic.core.LicException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lic}: the command line of the LIC service. Exit codes follow docs/errors.md. */
@Command(name = "lic", mixinStandardHelpOptions = true, version = "lic 0.1.0",
        description = "Learned image codec: encode, store and decode images as one compact bitstream.",
        subcommands = {EncodeCommand.class, DecodeCommand.class, PutCommand.class, GetCommand.class,
                ListCommand.class, RemoveCommand.class, InfoCommand.class, RoundTripCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof LicException lic) {
                cmd.getErr().println("lic: " + lic.kind() + ": " + lic.getMessage());
                return ExitCodes.of(lic.kind());
            }
            if (e instanceof java.io.IOException io) {
                cmd.getErr().println("lic: " + io);
                return ExitCodes.IO_ERROR;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
