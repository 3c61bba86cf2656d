package dev.lic.cli;

import dev.lic.api.ExitCodes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one command's work on many files with {@code jobs} workers in this JVM, and reports: a progress bar
 * on a terminal, with {@code --json} one object per file as it finishes, then a summary (files, pixels,
 * bytes, mean bpp, time, the failures with their reasons). A file that fails does not stop the others.
 */
final class BatchRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The command's work on one file; anything it throws becomes that file's failure. */
    interface Work {
        Outcome run(InputFiles.Item item) throws Exception;
    }

    private final String command;
    private final BatchOptions options;
    private final PrintWriter out;

    BatchRun(String command, BatchOptions options, PrintWriter out) {
        this.command = command;
        this.options = options;
        this.out = out;
    }

    /** Runs every item; returns the exit code (docs/errors.md, "Batches"). */
    int run(List<InputFiles.Item> items, Path outDir, Work work) throws InterruptedException {
        int jobs = Math.min(options.jobs(), Math.max(1, items.size()));
        long start = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(jobs, Thread.ofPlatform().name("lic-" + command + "-", 1)
                .daemon().factory());
        try (ProgressBar progress = ProgressBar.start(verb(), items.size(), options.quiet)) {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (InputFiles.Item item : items) {
                futures.add(pool.submit(() -> {
                    Outcome o = attempt(item, work);
                    progress.finished(o.ok());
                    if (options.json) {
                        printJson(o.json());
                    }
                    return o;
                }));
            }
            for (Future<Outcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a worker failed outside its file", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int exit = exitCode(outcomes);
        if (options.json) {
            printJson(summaryJson(outcomes, seconds, jobs, exit));
        } else {
            printSummary(outcomes, outDir, seconds, jobs);
        }
        return exit;
    }

    private static Outcome attempt(InputFiles.Item item, Work work) {
        if (item.failure() != null) {
            return failed(item.input(), item.failure());
        }
        try {
            return work.run(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(item.input(), Outcome.Failure.of(e));
        } catch (Exception | OutOfMemoryError e) {
            return failed(item.input(), e instanceof OutOfMemoryError
                    ? new Outcome.Failure("TOO_LARGE", ExitCodes.of(dev.lic.api.ErrorKind.TOO_LARGE),
                            "out of memory (lower --jobs or --memory-mb, or raise the heap with JAVA_OPTS=-Xmx...)")
                    : Outcome.Failure.of(e));
        }
    }

    static Outcome failed(Path input, Outcome.Failure f) {
        ObjectNode json = JSON.createObjectNode();
        json.put("input", input.toString());
        json.put("ok", false);
        json.put("error", f.kind());
        json.put("exit_code", f.exitCode());
        json.put("message", f.message());
        return new Outcome(input, json, 0, 0, 0, 0, f);
    }

    /** The per-file object of a file that worked: input, outputs, ok; the command adds its fields. */
    static ObjectNode okJson(Path input, List<Path> outputs, long nanos) {
        ObjectNode json = JSON.createObjectNode();
        json.put("input", input.toString());
        ArrayNode list = json.putArray("outputs");
        outputs.forEach(p -> list.add(p.toString()));
        json.put("ok", true);
        json.put("ms", Math.round(nanos / 1e6));
        return json;
    }

    /**
     * 0 when every file worked; else the exit code the failures share (e.g. 6 when every failure was a
     * corrupt bitstream), or {@link ExitCodes#SOME_FAILED} when they differ.
     */
    static int exitCode(List<Outcome> outcomes) {
        int code = 0;
        for (Outcome o : outcomes) {
            if (!o.ok()) {
                int c = o.failure().exitCode();
                if (code == 0) {
                    code = c;
                } else if (code != c) {
                    return ExitCodes.SOME_FAILED;
                }
            }
        }
        return code;
    }

    private String verb() {
        return command + "d";
    }

    private synchronized void printJson(ObjectNode json) {
        try {
            out.println(JSON.writeValueAsString(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    private ObjectNode summaryJson(List<Outcome> outcomes, double seconds, int jobs, int exit) {
        ObjectNode s = JSON.createObjectNode();
        Totals t = Totals.of(outcomes);
        s.put("command", command);
        s.put("files", outcomes.size());
        s.put("ok", t.ok);
        s.put("failed", outcomes.size() - t.ok);
        s.put("pixels", t.pixels);
        s.put("bytes_in", t.bytesIn);
        s.put("bytes_out", t.bytesOut);
        s.put("mean_bpp", t.meanBpp());
        s.put("seconds", Math.round(seconds * 1000) / 1000.0);
        s.put("jobs", jobs);
        s.put("exit_code", exit);
        ArrayNode failures = s.putArray("failures");
        for (Outcome o : sortedFailures(outcomes)) {
            failures.addObject().put("input", o.input().toString()).put("error", o.failure().kind())
                    .put("message", o.failure().message());
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("summary", s);
        return root;
    }

    private void printSummary(List<Outcome> outcomes, Path outDir, double seconds, int jobs) {
        Totals t = Totals.of(outcomes);
        out.printf(Locale.ROOT, "%s: %d of %d files written to %s in %.1f s (%d jobs)%n", command, t.ok,
                outcomes.size(), outDir, seconds, jobs);
        if (t.ok > 0) {
            out.printf(Locale.ROOT, "  %,d pixels, mean %.4f bpp; %,d bytes read, %,d bytes written%n", t.pixels,
                    t.meanBpp(), t.bytesIn, t.bytesOut);
        }
        List<Outcome> failures = sortedFailures(outcomes);
        if (!failures.isEmpty()) {
            out.printf("  %d failed:%n", failures.size());
            for (Outcome o : failures) {
                out.printf("  %s: %s: %s%n", o.input(), o.failure().kind(), o.failure().message());
            }
        }
        out.flush();
    }

    private static List<Outcome> sortedFailures(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> !o.ok()).sorted(Comparator.comparing(o -> o.input().toString()))
                .toList();
    }

    /** Sums over the files that worked; the mean bpp is the mean of the images' bits per pixel. */
    private record Totals(int ok, long pixels, long bytesIn, long bytesOut, double sumBpp) {
        static Totals of(List<Outcome> outcomes) {
            int ok = 0;
            long pixels = 0;
            long in = 0;
            long written = 0;
            double bpp = 0;
            for (Outcome o : outcomes) {
                if (o.ok()) {
                    ok++;
                    pixels += o.pixels();
                    in += o.bytesIn();
                    written += o.bytesOut();
                    bpp += o.bpp();
                }
            }
            return new Totals(ok, pixels, in, written, bpp);
        }

        double meanBpp() {
            return ok == 0 ? 0 : Math.round(sumBpp / ok * 1e4) / 1e4;
        }
    }
}
