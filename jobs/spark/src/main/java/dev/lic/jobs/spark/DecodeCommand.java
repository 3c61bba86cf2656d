package dev.lic.jobs.spark;

import dev.lic.api.Adaptors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lic-spark decode INPUT -o OUT --adaptor NAME}: every bitstream under INPUT into task outputs. */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Decode every .lic file under INPUT (recursively), or stored bitstreams by id (--store-dir or "
                + "--store-s3-bucket with --id / --ids-from), through one adaptor.",
            "Writes the Parquet table OUT/decoded (one row per bitstream, failures included with their reason) "
                    + "and by task OUT/png/<id>.png (human), OUT/detections (one row per box) or OUT/segmentation "
                    + "(one row per class)."})
final class DecodeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", arity = "0..1", paramLabel = "INPUT",
            description = "folder of bitstreams: a path or a URI (or none, with the store options)")
    String input;

    @Option(names = "--id", paramLabel = "ID", split = ",",
            description = "decode this stored bitstream (repeatable or comma-separated; needs the store options)")
    List<String> ids = new ArrayList<>();

    @Option(names = "--ids-from", paramLabel = "TABLE|FILE",
            description = "decode the stored ids of a Parquet table's id column (the encode job's OUT/table) or of "
                    + "a text file, one a line. With the store options and no --id/--ids-from: every stored bitstream")
    String idsFrom;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "output folder (local or shared file system)")
    String output;

    @Option(names = "--adaptor", paramLabel = "NAME", defaultValue = Adaptors.DEFAULT_NAME,
            description = "adaptor: human, detection, segmentation, ... (default ${DEFAULT-VALUE})")
    String adaptor;

    @Option(names = "--adaptor-version", paramLabel = "N", defaultValue = "0",
            description = "adaptor version (default 0: the newest loaded)")
    int adaptorVersion;

    @Option(names = "--adaptor-pack", paramLabel = "DIR",
            description = "load this adaptor pack folder too (repeatable; read here, shipped to the executors)")
    List<Path> adaptorPacks = new ArrayList<>();

    @Option(names = "--no-png", negatable = false, description = "image task: write rows only, no PNG files")
    boolean noPng;

    @Option(names = "--glob", paramLabel = "PATTERN", defaultValue = DecodeJob.DEFAULT_GLOB,
            description = "which files under INPUT are bitstreams (default ${DEFAULT-VALUE})")
    String glob;

    @Mixin
    SparkOptions spark;

    @Mixin
    StoreOptions store;

    @Override
    public Integer call() {
        Path out = Outputs.requireLocalFolder(output, "--output");
        DecodeJob.Settings settings = new DecodeJob.Settings(input, out, adaptor, adaptorVersion, adaptorPacks, !noPng,
                glob, spark.limits(), spark.threadsPerTask, spark.partitions, spark.overwrite,
                store.store().orElse(null), ids, idsFrom);
        return SparkJobs.withSession("lic-spark decode", spark.master, session -> {
            command.commandLine().getOut().print(DecodeJob.run(session, settings).format());
            command.commandLine().getOut().flush();
            return 0;
        });
    }
}
