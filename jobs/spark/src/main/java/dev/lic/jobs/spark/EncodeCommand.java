package dev.lic.jobs.spark;

import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lic-spark encode INPUT -o OUT}: every file under INPUT to OUT/bitstreams and the table OUT/table. */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = {"Encode every file under INPUT (recursively) at one rate.",
            "Writes OUT/bitstreams/<sha256>.lic and the Parquet table OUT/table (one row per file, failures "
                    + "included with their reason), then prints images, bytes and mean bpp."})
final class EncodeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", paramLabel = "INPUT", description = "folder of images: a path or a URI (s3a://...)")
    String input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "output folder (local or shared file system)")
    String output;

    @Option(names = "--table", paramLabel = "PATH|URI", description = "the Parquet table (default OUT/table)")
    String table;

    @Option(names = "--rate", paramLabel = "INDEX", description = "rate index (default: the codec's default rate)")
    Integer rate;

    @Option(names = "--codec", paramLabel = "ID", description = "codec pack id (default: the default codec)")
    String codecId;

    @Option(names = "--max-image-bytes", paramLabel = "N", defaultValue = "" + EncodeJob.DEFAULT_MAX_IMAGE_BYTES,
            description = "files larger than this are not read: TOO_LARGE rows (default ${DEFAULT-VALUE})")
    long maxImageBytes;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() {
        Path out = Outputs.requireLocalFolder(output, "--output");
        EncodeJob.Settings settings = new EncodeJob.Settings(input, new DirectorySink(out.resolve("bitstreams")),
                table != null ? table : out.resolve("table").toString(), codecId,
                rate == null ? OptionalInt.empty() : OptionalInt.of(rate), maxImageBytes, spark.limits(),
                spark.threadsPerTask, spark.partitions, spark.overwrite);
        return SparkJobs.withSession("lic-spark encode", spark.master, session -> {
            command.commandLine().getOut().print(EncodeJob.run(session, settings).format());
            command.commandLine().getOut().flush();
            return 0;
        });
    }
}
