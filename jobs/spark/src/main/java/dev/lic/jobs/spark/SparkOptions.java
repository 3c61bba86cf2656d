package dev.lic.jobs.spark;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Limits;

import picocli.CommandLine.Option;

/** Options both commands share: where Spark runs and how much each task may use. */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (local[2], spark://host:7077, ...); default: the one spark-submit gives, "
                    + "else local[*]")
    String master;

    @Option(names = "--threads-per-task", paramLabel = "N", defaultValue = "1",
            description = "threads one image's encode or decode may use (default ${DEFAULT-VALUE}: Spark runs one "
                    + "task per core)")
    int threadsPerTask;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "read the input in at least N splits (default 0: four per core)")
    int partitions;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "" + Limits.DEFAULT_MAX_PIXELS,
            description = "largest width*height of an image (default ${DEFAULT-VALUE}); larger ones are "
                    + "TOO_LARGE rows")
    long maxPixels;

    @Option(names = "--overwrite", description = "replace the output tables if they exist")
    boolean overwrite;

    Limits limits() {
        if (maxPixels < 1 || maxPixels > Limits.MAX_MAX_PIXELS) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "--max-pixels must be in 1.." + Limits.MAX_MAX_PIXELS);
        }
        return new Limits(maxPixels, Limits.DEFAULT_MAX_DIMENSION, Limits.DEFAULT_MAX_BITSTREAM_BYTES);
    }
}
