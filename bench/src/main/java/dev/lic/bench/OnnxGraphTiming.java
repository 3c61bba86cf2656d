package dev.lic.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Times single-input float ONNX graphs on the CPU, in sessions set up as codec-core sets up its own
 * ({@code dev.lic.core.onnx.OnnxSession}), to compare candidate graphs before training one
 * (docs/synthesis-speed.md). Each graph is fed one fixed-seed random input, run 3 times to warm up, then
 * timed {@code --runs} times; one Markdown table row per graph: file, GMAC, median, min and max ms of
 * {@code OrtSession.run}.
 * <p>Usage: {@code java -cp "bench/target/lic-bench.jar:bench/target/lib/*" dev.lic.bench.OnnxGraphTiming
 * [--threads 2] [--runs 10] [--shape 1,192,32,48] [--info info.json] graph.onnx...}
 * <ul>
 * <li>{@code --threads}: ONNX Runtime intra-op threads (codec-core's {@code SessionConfig.intraOpThreads});
 * {@code 0} lets ONNX Runtime choose.</li>
 * <li>{@code --shape}: the input shape, needed where the graph's input has dynamic axes; by default the
 * graph's declared shape.</li>
 * <li>{@code --info}: a JSON object {@code {"<file name without .onnx>": {"gmac": 5.85}, ...}} (what
 * training/tools/synthesis_candidates.py writes); without it, or for a graph it does not name, the GMAC
 * column is empty.</li>
 * <li>{@code --profile DIR}: also write ONNX Runtime's per-node profile (Chrome trace JSON, every run
 * including warm-up) of each graph under {@code DIR}; the file names are printed after the table.</li>
 * </ul>
 */
public final class OnnxGraphTiming {
    private static final int WARMUP = 3;

    private OnnxGraphTiming() {}

    public static void main(String[] args) throws IOException, OrtException {
        int threads = 2;
        int runs = 10;
        long[] shape = null;
        JsonNode info = null;
        Path profileDir = null;
        List<Path> graphs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--shape" -> shape = Arrays.stream(args[++i].split(",")).mapToLong(Long::parseLong).toArray();
                case "--info" -> info = new ObjectMapper().readTree(Path.of(args[++i]).toFile());
                case "--profile" -> profileDir = Path.of(args[++i]);
                default -> graphs.add(Path.of(args[i]));
            }
        }
        if (graphs.isEmpty() || runs < 1) {
            System.err.println("usage: OnnxGraphTiming [--threads N] [--runs N] [--shape 1,C,H,W] [--info info.json]"
                    + " [--profile DIR]"
                    + " graph.onnx...");
            System.exit(2);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        System.out.printf("ONNX Runtime %s, %d intra-op threads, %d runs after %d warm-up, Java %s%n%n",
                env.getVersion(), threads, runs, WARMUP, Runtime.version());
        System.out.println("| graph | GMAC | median ms | min ms | max ms |");
        System.out.println("|---|---:|---:|---:|---:|");
        List<String> profiles = new ArrayList<>();
        for (Path graph : graphs) {
            String name = graph.getFileName().toString().replaceFirst("\\.onnx$", "");
            Path profile = profileDir == null ? null : profileDir.resolve(name);
            double[] ms = time(env, graph, threads, runs, shape, profile, profiles);
            JsonNode gmac = info == null ? null : info.path(name).get("gmac");
            System.out.printf("| %s | %s | %.1f | %.1f | %.1f |%n", graph.getFileName(),
                    gmac == null ? "" : gmac.asText(), median(ms), ms[0], ms[ms.length - 1]);
        }
        profiles.forEach(p -> System.out.println("profile: " + p));
    }

    /** Sorted times (ms) of {@code runs} timed runs of one graph. */
    private static double[] time(OrtEnvironment env, Path graph, int threads, int runs, long[] givenShape,
            Path profile, List<String> profiles) throws OrtException, IOException {
        // The options of codec-core's OnnxSession (CPU provider): a timing here is what a pack graph costs there.
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setInterOpNumThreads(1);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            if (profile != null) {
                Files.createDirectories(profile.getParent());
                options.enableProfiling(profile.toString());
            }
            try (OrtSession session = env.createSession(graph.toString(), options)) {
                Map<String, NodeInfo> inputs = session.getInputInfo();
                if (inputs.size() != 1 || !(inputs.values().iterator().next().getInfo() instanceof TensorInfo t)
                        || t.type != OnnxJavaType.FLOAT) {
                    throw new IllegalArgumentException(graph + ": expected one float tensor input, got " + inputs);
                }
                String input = inputs.keySet().iterator().next();
                long[] shape = givenShape != null ? givenShape : t.getShape();
                if (Arrays.stream(shape).anyMatch(d -> d < 1)) {
                    throw new IllegalArgumentException(graph + ": input " + input + " has dynamic shape "
                            + Arrays.toString(shape) + "; give one with --shape");
                }
                // Fixed seed, values spread like latents: every graph and every run sees the same input.
                float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
                Random random = new Random(1);
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (2 * random.nextGaussian());
                }
                double[] ms = new double[runs];
                try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape)) {
                    Map<String, OnnxTensor> feed = Map.of(input, tensor);
                    for (int r = -WARMUP; r < runs; r++) {
                        long start = System.nanoTime();
                        session.run(feed).close();
                        if (r >= 0) {
                            ms[r] = (System.nanoTime() - start) / 1e6;
                        }
                    }
                }
                if (profile != null) {
                    profiles.add(session.endProfiling());
                }
                Arrays.sort(ms);
                return ms;
            }
        }
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
