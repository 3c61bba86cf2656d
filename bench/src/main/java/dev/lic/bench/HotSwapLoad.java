package dev.lic.bench;

import dev.lic.api.Adaptors;
import dev.lic.api.LicException;
import dev.lic.client.LicClient;
import dev.lic.core.CodecOptions;
import dev.lic.proto.v1.AdaptorEntry;
import dev.lic.proto.v1.AdaptorState;
import dev.lic.proto.v1.AdaptorVersion;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.EncodeResponse;
import dev.lic.proto.v1.RegisterHeader;
import dev.lic.proto.v1.RegisterResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Load test of the adaptor registry's hot swap through a running server (gRPC over loopback, {@link LicClient}).
 *
 * <p><b>{@code swap} mode</b>: encodes the first {@code --images} PNGs of {@code --kodak} once (and stores them),
 * then {@code --decoders} threads decode them in a loop (alternately inline and by stored id, through the
 * {@code human} adaptor's active version) in three phases: a warm-up ({@code --warmup} s, not counted), a
 * steady phase of {@code --seconds} s with no registry change, and a swapping phase of {@code --seconds} s in
 * which a swapper thread activates versions 2 and 1 of {@code human} in turn every {@code --swap-ms} ms. Both are
 * shipped (float and int8); where version 2 is missing, a copy of the bundled float pack with the manifest's
 * version bumped is registered before the swapping phase and deleted at the end. The active version at the
 * start is active again at the end. Per phase: requests, failures, p50/p99/max latency,
 * the versions that served; the swaps and their failures; the server's RSS. Exit status 1 when any request or
 * swap failed or a response came from a version other than 1 or 2.
 *
 * <p><b>{@code cycles} mode</b>: {@code --cycles} times: register version {@code --version} (same number each
 * time), activate it, activate version 1 again, delete it. Reports the server's RSS at the start, every
 * {@code --every} cycles and at the end, and the time per cycle. Exit status 1 when a cycle failed or the
 * registry does not list exactly the versions it listed at the start.
 *
 * <pre>
 * java -cp "bench/target/lic-bench.jar:bench/target/lib/*" dev.lic.bench.HotSwapLoad swap \
 *     [--server localhost:9000] [--token T] [--kodak ../shared/data/kodak] [--images 8] [--decoders 8] \
 *     [--seconds 60] [--warmup 10] [--swap-ms 500] [--pid PID]
 * java -cp ... dev.lic.bench.HotSwapLoad cycles [--server ...] [--token T] [--cycles 1000] [--version 3] \
 *     [--every 100] [--pid PID]
 * </pre>
 * The admin token ({@code --token}, else {@code LIC_ADMIN_TOKEN}) is the server's {@code lic.admin.token}. The
 * server's RSS (VmRSS, and its peak VmHWM) is read from {@code /proc/PID/status}; without {@code --pid} the tool
 * looks for a java process whose command line has {@code quarkus-run.jar} and the gRPC port of {@code --server}
 * (e.g. {@code -Dquarkus.grpc.server.port=9300}), else the only {@code quarkus-run.jar} process; RSS is
 * reported as unknown when none is found.
 */
public final class HotSwapLoad {
    private static final String ADAPTOR = Adaptors.DEFAULT_NAME;

    private HotSwapLoad() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("swap") || args[0].equals("cycles"))) {
            System.err.println("usage: HotSwapLoad swap|cycles [--option value]... (see the class javadoc)");
            System.exit(2);
        }
        Map<String, String> opt = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + args[i]);
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        String server = opt.getOrDefault("server", "localhost:9000");
        Optional<String> token = Optional.ofNullable(opt.getOrDefault("token", System.getenv("LIC_ADMIN_TOKEN")));
        long pid = opt.containsKey("pid") ? Long.parseLong(opt.get("pid")) : findServerPid(server);
        System.out.printf("server %s, pid %s, %s, %d cpus%n", server, pid > 0 ? pid : "unknown", Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        boolean ok;
        try (LicClient client = LicClient.connect(server, Duration.ofSeconds(300), token)) {
            ok = args[0].equals("swap") ? swap(client, opt, pid) : cycles(client, opt, pid);
        }
        System.out.println(ok ? "RESULT ok" : "RESULT FAILED");
        System.exit(ok ? 0 : 1);
    }

    // ---------------------------------------------------------------- swap mode

    private static boolean swap(LicClient client, Map<String, String> opt, long pid) throws Exception {
        Path kodak = Path.of(opt.getOrDefault("kodak", "../shared/data/kodak"));
        int images = Integer.parseInt(opt.getOrDefault("images", "8"));
        int decoders = Integer.parseInt(opt.getOrDefault("decoders", "8"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "60"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "10"));
        int swapMs = Integer.parseInt(opt.getOrDefault("swap-ms", "500"));
        Map<String, byte[]> pack = humanPack(2);
        String codecId = codecIdOf(pack);

        List<Path> pngs;
        try (Stream<Path> s = Files.list(kodak)) {
            pngs = s.filter(p -> p.toString().endsWith(".png")).sorted().limit(images).toList();
        }
        List<byte[]> bitstreams = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        long bytes = 0;
        for (Path png : pngs) {
            EncodeResponse e = client.encode(Files.readAllBytes(png), true);
            bitstreams.add(e.getBitstream().toByteArray());
            ids.add(e.getStoredId());
            bytes += e.getBitstream().size();
        }
        System.out.printf("%d images of %s encoded and stored (mean %d bytes); %d decoders, %d s per phase, "
                + "swap every %d ms%n", pngs.size(), kodak, bytes / Math.max(1, pngs.size()), decoders, seconds, swapMs);
        System.out.printf("RSS before warm-up: %s%n", rss(pid));

        Phase warm = runPhase(client, bitstreams, ids, decoders, warmup, null);
        System.out.printf("warm-up: %s%nRSS after warm-up: %s%n", warm.summary(), rss(pid));

        Phase steady = runPhase(client, bitstreams, ids, decoders, seconds, null);
        System.out.printf("steady (no swapping): %s%nRSS after steady: %s%n", steady.summary(), rss(pid));

        int original = activeVersion(client, codecId);
        // The server ships versions 1 (float) and 2 (int8) of human; an older server or a configured pack
        // folder may have version 1 only, and then the bumped copy is registered as version 2.
        boolean shipped = versionNumbers(client, codecId).containsAll(List.of(1, 2));
        if (!shipped) {
            long t0 = System.nanoTime();
            RegisterResponse r = client.registerAdaptor(pack, RegisterHeader.newBuilder().setActivate(false).build());
            System.out.printf("registered %s v2: %s in %.0f ms%n", ADAPTOR, r.getVersion().getState(),
                    (System.nanoTime() - t0) / 1e6);
            if (r.getVersion().getState() != AdaptorState.READY) {
                System.out.println("v2 is not READY: " + r.getVersion().getReason());
                return false;
            }
        }
        Swapper swapper = new Swapper(client, codecId, swapMs);
        Phase swapping = runPhase(client, bitstreams, ids, decoders, seconds, swapper);
        System.out.printf("swapping: %s%n", swapping.summary());
        System.out.printf("swaps: %d done, %d failed, activate p50 %.1f ms, max %.1f ms%s%n", swapper.done.get(),
                swapper.failed.get(), percentile(swapper.latencies(), 50), percentile(swapper.latencies(), 100),
                swapper.errors.isEmpty() ? "" : ", first error: " + swapper.errors.peek());
        System.out.printf("RSS after swapping: %s%n", rss(pid));

        if (activeVersion(client, codecId) != original) {
            client.activateAdaptor(codecId, ADAPTOR, original);
        }
        if (!shipped) {
            client.deleteAdaptor(codecId, ADAPTOR, 2);
        }
        System.out.printf("restored: %s v%d active%s; RSS %s%n", ADAPTOR, original, shipped ? "" : ", v2 deleted",
                rss(pid));

        System.out.println();
        System.out.println("| phase | requests | failed | req/s | p50 ms | p99 ms | max ms | versions served |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
        System.out.println(steady.row("steady, no swapping"));
        System.out.println(swapping.row("swapping every " + swapMs + " ms (" + swapper.done.get() + " swaps)"));
        long wrong = swapping.versions.entrySet().stream().filter(e -> e.getKey() != 1 && e.getKey() != 2)
                .mapToLong(Map.Entry::getValue).sum()
                + steady.versions.entrySet().stream().filter(e -> e.getKey() != original)
                        .mapToLong(Map.Entry::getValue).sum();
        return steady.failed == 0 && swapping.failed == 0 && swapper.failed.get() == 0 && wrong == 0;
    }

    /** One phase's outcome: latencies of the requests that succeeded, failures, versions that served. */
    record Phase(int seconds, long[] latenciesNanos, long failed, Map<Integer, Long> versions, List<String> errors) {
        long requests() {
            return latenciesNanos.length + failed;
        }

        String summary() {
            return String.format("%d requests, %d failed, %.1f req/s, p50 %.0f ms, p99 %.0f ms, max %.0f ms, "
                    + "versions %s%s", requests(), failed, requests() / (double) seconds,
                    percentile(latenciesNanos, 50), percentile(latenciesNanos, 99), percentile(latenciesNanos, 100),
                    versions, errors.isEmpty() ? "" : ", first error: " + errors.get(0));
        }

        String row(String name) {
            return String.format("| %s | %d | %d | %.1f | %.0f | %.0f | %.0f | %s |", name, requests(), failed,
                    requests() / (double) seconds, percentile(latenciesNanos, 50), percentile(latenciesNanos, 99),
                    percentile(latenciesNanos, 100), versions);
        }
    }

    /** Runs the decoders (and the swapper, when given) for {@code seconds}. */
    private static Phase runPhase(LicClient client, List<byte[]> bitstreams, List<String> ids, int decoders,
            int seconds, Swapper swapper) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicLong failed = new AtomicLong();
        Map<Integer, AtomicLong> versions = new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < decoders; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().name("decoder-" + t).start(() -> {
                long[] mine = new long[1024];
                int n = 0;
                for (int i = 0; System.nanoTime() < end; i++) {
                    int image = (thread + i) % bitstreams.size();
                    long t0 = System.nanoTime();
                    try {
                        DecodeResponse d = (i % 2 == 0) ? client.decode(bitstreams.get(image), ADAPTOR)
                                : client.decodeStored(ids.get(image), ADAPTOR);
                        long dt = System.nanoTime() - t0;
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = dt;
                        versions.computeIfAbsent(d.getAdaptorVersion(), v -> new AtomicLong()).incrementAndGet();
                    } catch (LicException e) {
                        failed.incrementAndGet();
                        errors.add(e.kind() + ": " + e.getMessage());
                    }
                }
                latencies.add(Arrays.copyOf(mine, n));
            }));
        }
        Thread swapThread = swapper == null ? null : Thread.ofPlatform().name("swapper").start(() -> swapper.run(end));
        for (Thread th : threads) {
            th.join();
        }
        if (swapThread != null) {
            swapThread.join();
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        Map<Integer, Long> served = new TreeMap<>();
        versions.forEach((k, v) -> served.put(k, v.get()));
        return new Phase(seconds, all, failed.get(), served, List.copyOf(errors));
    }

    /** Activates versions 2 and 1 in turn every {@code periodMs} until the phase ends. */
    private static final class Swapper {
        final LicClient client;
        final String codecId;
        final int periodMs;
        final AtomicLong done = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        final List<Long> nanos = new ArrayList<>();

        Swapper(LicClient client, String codecId, int periodMs) {
            this.client = client;
            this.codecId = codecId;
            this.periodMs = periodMs;
        }

        void run(long end) {
            int next = 2;
            long due = System.nanoTime();
            while (true) {
                due += periodMs * 1_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (System.nanoTime() >= end) {
                    return;
                }
                long t0 = System.nanoTime();
                try {
                    int active = client.activateAdaptor(codecId, ADAPTOR, next).getActiveVersion();
                    if (active != next) {
                        throw new IllegalStateException("activate " + next + " answered active " + active);
                    }
                    done.incrementAndGet();
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    errors.add(e.toString());
                }
                synchronized (nanos) {
                    nanos.add(System.nanoTime() - t0);
                }
                next = 3 - next;
            }
        }

        long[] latencies() {
            synchronized (nanos) {
                return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }
    }

    // ---------------------------------------------------------------- cycles mode

    private static boolean cycles(LicClient client, Map<String, String> opt, long pid) {
        int cycles = Integer.parseInt(opt.getOrDefault("cycles", "1000"));
        int version = Integer.parseInt(opt.getOrDefault("version", "3"));
        int every = Integer.parseInt(opt.getOrDefault("every", "100"));
        Map<String, byte[]> pack = humanPack(version);
        String codecId = codecIdOf(pack);
        int original = activeVersion(client, codecId);
        List<Integer> before = versionNumbers(client, codecId);
        System.out.printf("%d cycles of register v%d / activate v%d / activate v%d / delete v%d (pack %d bytes)%n",
                cycles, version, version, original, version, pack.values().stream().mapToInt(b -> b.length).sum());
        String start = rss(pid);
        System.out.printf("| cycles | RSS | mean ms per cycle (last %d) |%n|---:|---|---:|%n| 0 | %s | |%n", every, start);
        long failed = 0;
        long t0 = System.nanoTime();
        long tBlock = t0;
        for (int c = 1; c <= cycles; c++) {
            try {
                RegisterResponse r = client.registerAdaptor(pack, RegisterHeader.newBuilder().build());
                if (r.getVersion().getState() != AdaptorState.READY) {
                    throw new IllegalStateException("v" + version + " " + r.getVersion().getState() + ": "
                            + r.getVersion().getReason());
                }
                client.activateAdaptor(codecId, ADAPTOR, version);
                client.activateAdaptor(codecId, ADAPTOR, original);
                client.deleteAdaptor(codecId, ADAPTOR, version);
            } catch (RuntimeException e) {
                failed++;
                System.out.printf("cycle %d failed: %s%n", c, e);
                if (failed >= 10) {
                    System.out.println("stopping after 10 failed cycles");
                    break;
                }
            }
            if (c % every == 0 || c == cycles) {
                long now = System.nanoTime();
                int n = c % every == 0 ? every : c % every;
                System.out.printf("| %d | %s | %.0f |%n", c, rss(pid), (now - tBlock) / 1e6 / n);
                tBlock = now;
            }
        }
        List<Integer> after = versionNumbers(client, codecId);
        System.out.printf("%d cycles in %.1f s, %d failed; versions before %s, after %s; active %d%n", cycles,
                (System.nanoTime() - t0) / 1e9, failed, before, after, activeVersion(client, codecId));
        System.out.printf("RSS start %s, end %s%n", start, rss(pid));
        return failed == 0 && before.equals(after) && activeVersion(client, codecId) == original;
    }

    // ---------------------------------------------------------------- helpers

    private static AdaptorEntry entry(LicClient client, String codecId) {
        return client.listAdaptors().getAdaptorsList().stream()
                .filter(a -> a.getName().equals(ADAPTOR) && a.getCodecId().equals(codecId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the server has no " + ADAPTOR + " for " + codecId));
    }

    private static int activeVersion(LicClient client, String codecId) {
        return entry(client, codecId).getActiveVersion();
    }

    private static List<Integer> versionNumbers(LicClient client, String codecId) {
        return entry(client, codecId).getVersionsList().stream().map(AdaptorVersion::getVersion).sorted().toList();
    }

    /** The bundled human pack of the default codec (adaptors jar) with the manifest's version set to {@code version}. */
    static Map<String, byte[]> humanPack(int version) {
        String dir = CodecOptions.DEFAULT_HUMAN_ADAPTOR + "/";
        String manifest = new String(resource(dir + "manifest.json"), StandardCharsets.UTF_8);
        Map<String, byte[]> files = new TreeMap<>();
        Matcher list = Pattern.compile("\"files\"\\s*:\\s*\\{([^}]*)}").matcher(manifest);
        if (!list.find()) {
            throw new IllegalStateException("no files in " + dir + "manifest.json");
        }
        Matcher file = Pattern.compile("\"([^\"/]+)\"\\s*:\\s*\"[0-9a-f]{64}\"").matcher(list.group(1));
        while (file.find()) {
            files.put(file.group(1), resource(dir + file.group(1)));
        }
        String bumped = manifest.replaceFirst("\"version\"\\s*:\\s*\\d+", "\"version\": " + version);
        if (bumped.equals(manifest) && version != 1) {
            throw new IllegalStateException("no version in " + dir + "manifest.json");
        }
        files.put("manifest.json", bumped.getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private static String codecIdOf(Map<String, byte[]> pack) {
        Matcher m = Pattern.compile("\"codec_id\"\\s*:\\s*\"([0-9a-f]+)\"")
                .matcher(new String(pack.get("manifest.json"), StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException("no codec_id in the human pack's manifest");
        }
        return m.group(1);
    }

    private static byte[] resource(String name) {
        try (InputStream in = HotSwapLoad.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path (lic-adaptors jar)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))] / 1e6;
    }

    /** "VmRSS 812 MiB (peak VmHWM 1,024 MiB)" of the server process, or "unknown". */
    static String rss(long pid) {
        if (pid <= 0) {
            return "unknown";
        }
        try {
            long rss = -1;
            long hwm = -1;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                }
            }
            return String.format("VmRSS %,d MiB (VmHWM %,d MiB)", rss / 1024, hwm / 1024);
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** The server's pid: a quarkus-run.jar process naming the gRPC port of {@code server}, else the only one. */
    static long findServerPid(String server) {
        String port = server.substring(server.lastIndexOf(':') + 1);
        List<Long> runs = new ArrayList<>();
        List<Long> withPort = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            String cmd;
            try {
                cmd = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
            } catch (IOException | RuntimeException e) {
                return;
            }
            if (cmd.contains("quarkus-run.jar")) {
                runs.add(p.pid());
                if (cmd.contains("quarkus.grpc.server.port=" + port)) {
                    withPort.add(p.pid());
                }
            }
        });
        if (withPort.size() == 1) {
            return withPort.get(0);
        }
        return runs.size() == 1 ? runs.get(0) : -1;
    }
}
