package dev.lic.cli;

import picocli.CommandLine.Option;

/** How a batch of files runs and reports: shared by {@code encode} and {@code decode}. */
final class BatchOptions {
    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "images worked on at once (default: the available processors)", defaultValue = "0")
    int jobs;

    @Option(names = "--json", description = "print one JSON object per file, then the summary as a last JSON object")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar (it is drawn only when stderr is a terminal)")
    boolean quiet;

    @Option(names = "--memory-mb", paramLabel = "MB", defaultValue = "1536",
            description = "offline: memory the images worked on at once may take together, by the codec's "
                    + "estimate (as the server's lic.admission.budget-mb; default ${DEFAULT-VALUE})")
    int memoryMb;

    /** INVALID_ARGUMENT for a negative {@code --jobs} or a {@code --memory-mb} under 1. */
    void check() {
        if (jobs < 0 || memoryMb < 1) {
            throw new dev.lic.api.LicException(dev.lic.api.ErrorKind.INVALID_ARGUMENT,
                    "--jobs must be 1 or more and --memory-mb at least 1");
        }
    }

    /** {@code --jobs}, or the available processors when not given. */
    int jobs() {
        check();
        return jobs > 0 ? jobs : Runtime.getRuntime().availableProcessors();
    }

    /**
     * ONNX Runtime and h_s threads per image offline: the cores shared among the jobs (one each when there
     * are as many jobs as cores: no thread pool spinning between small tasks).
     */
    int threadsPerImage() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / jobs());
    }
}
