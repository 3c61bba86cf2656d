package dev.lic.bench;

import dev.lic.api.Adaptors;
import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.DecodeResult;
import dev.lic.core.DecodeTimings;
import dev.lic.core.EncodeResult;
import dev.lic.core.EncodeTimings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Whole-image encode and decode times per stage over a folder of images (Kodak), with the shipped packs
 * (the variable-rate default codec pack). Every image is run once to warm up, then {@code repeats} times;
 * the table gives, per stage, the mean over images of each image's median.
 * Usage: {@code KodakStageTimings <folder> [repeats] [threads] [rate]}; the rate defaults to the pack's
 * default rate.
 */
public final class KodakStageTimings {
    private KodakStageTimings() {}

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : "../shared/data/kodak");
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        OptionalInt rate = args.length > 3 ? OptionalInt.of(Integer.parseInt(args[3])) : OptionalInt.empty();
        List<Path> images;
        try (Stream<Path> s = Files.list(folder)) {
            images = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        try (Codec codec = Codec.open(CodecOptions.defaults().withIntraOpThreads(threads))) {
            String codecId = codec.defaultCodecId();
            int rateIndex = rate.orElse(codec.codecPack(codecId).defaultRate());
            int n = images.size();
            long[][] enc = new long[n][];
            long[][] dec = new long[n][];
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                byte[] image = Files.readAllBytes(images.get(i));
                byte[] bitstream = codec.encode(image, codecId, rateIndex).bitstream();
                codec.decode(bitstream, Adaptors.DEFAULT_NAME).pngBytes();
                bytes += bitstream.length;
                EncodeTimings[] e = new EncodeTimings[repeats];
                DecodeTimings[] d = new DecodeTimings[repeats];
                long[] png = new long[repeats];
                for (int r = 0; r < repeats; r++) {
                    EncodeResult er = codec.encode(image, codecId, rateIndex);
                    e[r] = er.timings();
                    DecodeResult dr = codec.decode(er.bitstream(), Adaptors.DEFAULT_NAME);
                    d[r] = dr.timings();
                    long t0 = System.nanoTime();
                    dr.pngBytes();
                    png[r] = System.nanoTime() - t0;
                }
                enc[i] = new long[] {median(e, EncodeTimings::imageReadNanos), median(e, EncodeTimings::analysisNanos),
                        median(e, EncodeTimings::hyperSynthesisNanos), median(e, EncodeTimings::entropyCodingNanos),
                        median(e, EncodeTimings::containerNanos), median(e, EncodeTimings::totalNanos)};
                dec[i] = new long[] {median(d, DecodeTimings::parseNanos), median(d, DecodeTimings::zDecodeNanos),
                        median(d, DecodeTimings::hyperSynthesisNanos), median(d, DecodeTimings::yDecodeNanos),
                        median(d, DecodeTimings::synthesisNanos), median(d, DecodeTimings::imageOutputNanos),
                        median(d, DecodeTimings::totalNanos), sortedMedian(png)};
            }
            System.out.printf("%d images, %d repeats, %d threads, %s, %s%n", n, repeats, threads,
                    Runtime.version(), System.getProperty("os.arch"));
            System.out.printf("codec %s (%s), rate %d%n", codec.codecPack(codecId).name(), codecId.substring(0, 12),
                    rateIndex);
            System.out.printf("mean bitstream %.0f bytes%n%n", bytes / (double) n);
            table("encode", new String[] {"image read", "analysis (ORT)", "integer h_s", "entropy coding",
                    "container", "total"}, enc);
            table("decode", new String[] {"parse", "entropy decode z", "integer h_s", "entropy decode y",
                    "synthesis (ORT)", "image output", "total", "PNG encoding (extra)"}, dec);
        }
    }

    private static <T> long median(T[] runs, ToLongFunction<T> stage) {
        return sortedMedian(Arrays.stream(runs).mapToLong(stage).toArray());
    }

    private static long sortedMedian(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static void table(String title, String[] stages, long[][] perImage) {
        System.out.printf("| %s stage | mean ms | max ms |%n|---|---:|---:|%n", title);
        for (int s = 0; s < stages.length; s++) {
            final int stage = s;
            double mean = Arrays.stream(perImage).mapToLong(r -> r[stage]).average().orElse(0) / 1e6;
            double max = Arrays.stream(perImage).mapToLong(r -> r[stage]).max().orElse(0) / 1e6;
            System.out.printf("| %s | %.1f | %.1f |%n", stages[s], mean, max);
        }
        System.out.println();
    }
}
