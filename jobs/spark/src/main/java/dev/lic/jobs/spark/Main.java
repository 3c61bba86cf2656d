package dev.lic.jobs.spark;

import dev.lic.api.ExitCodes;
import dev.lic.api.LicException;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

import org.apache.spark.sql.AnalysisException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lic-spark}: the entry point for {@code spark-submit} ({@code --class dev.lic.jobs.spark.Main}) and for
 * the local-mode launcher {@code jobs/spark/lic-spark}. Exit codes follow docs/errors.md: 0 when the job
 * ran (single files that failed are rows of the table, listed in the summary), 2 for bad arguments, 12 when
 * an input or output location cannot be used, the error kind's code for a codec error (an unknown adaptor:
 * 8, a bad pack: 10), 1 for anything else.
 */
@Command(name = "lic-spark", mixinStandardHelpOptions = true,
        description = "Bulk transcoding with the LIC codec on Apache Spark.",
        subcommands = {EncodeCommand.class, DecodeCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed: encode or decode");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line; returns the exit code. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a command line printing to {@code out} and {@code err}; returns the exit code (tests use this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(Main::handle);
        return cli.execute(args);
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof LicException lic) {
            err.println("lic-spark: " + lic.kind() + ": " + lic.getMessage());
            return ExitCodes.of(lic.kind());
        }
        if (e instanceof AnalysisException analysis) {
            // Spark's own checks of the input and output locations: a missing path, an existing table.
            err.println("lic-spark: " + analysis.getMessage());
            return ExitCodes.IO_ERROR;
        }
        if (e instanceof UncheckedIOException io) {
            err.println("lic-spark: " + io.getMessage() + ": " + io.getCause().getMessage());
            return ExitCodes.IO_ERROR;
        }
        err.println("lic-spark: the job failed: " + e);
        e.printStackTrace(err);
        return 1;
    }
}
