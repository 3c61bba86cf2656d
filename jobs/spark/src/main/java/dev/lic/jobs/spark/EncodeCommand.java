package dev.lic.jobs.spark;

import dev.lic.store.StoreConfig;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lic-spark encode INPUT -o OUT}: every file under INPUT into the store (or OUT/bitstreams) and OUT/table. */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = {"Encode every file under INPUT (recursively) at one rate.",
            "Writes the bitstreams into the store (--store-dir or --store-s3-bucket: the server's store, by "
                    + "content id) or else as OUT/bitstreams/<sha256>.lic, and the Parquet table OUT/table (one row "
                    + "per file, failures included with their reason), then prints images, bytes and mean bpp."})
final class EncodeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", paramLabel = "INPUT", description = "folder of images: a path, s3://bucket/prefix (read "
            + "with the --store-s3-* connection) or a Hadoop URI")
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

    @Mixin
    StoreOptions store;

    @Override
    public Integer call() {
        Path out = Outputs.requireLocalFolder(output, "--output");
        var limits = spark.limits();
        Optional<StoreConfig> shared = store.store();
        StoreConfig s3Input = S3Uri.matches(input) ? store.s3Input(S3Uri.parse(input)) : null;
        return SparkJobs.withSession("lic-spark encode", spark.master, session -> {
            // Opened on the driver before any task: a missing bucket or refused credentials stop the job here.
            BitstreamSink sink = shared.<BitstreamSink>map(s -> new StoreSink(s, limits.maxBitstreamBytes()).check())
                    .orElseGet(() -> new DirectorySink(out.resolve("bitstreams")));
            EncodeJob.Settings settings = new EncodeJob.Settings(input, sink,
                    table != null ? table : out.resolve("table").toString(), codecId,
                    rate == null ? OptionalInt.empty() : OptionalInt.of(rate), maxImageBytes, limits,
                    spark.threadsPerTask, spark.partitions, spark.overwrite, s3Input);
            command.commandLine().getOut().print(EncodeJob.run(session, settings).format());
            command.commandLine().getOut().flush();
            return 0;
        });
    }
}
