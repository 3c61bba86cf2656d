package dev.lic.core.tools;

import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.EncodeResult;
import dev.lic.core.Latents;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Writes Java-encoder bitstreams from synthetic images, each with a {@code .expect.json} in the format of
 * {@code testvectors/python/} (testvectors/README.md), for the Python reference to decode and check:
 * {@code testvectors/java/} from the single-rate test pack and the single-rate pack shipped before
 * ({@code hyperprior-s}), {@code testvectors/java-vr/} from the variable-rate test pack and the shipped
 * variable-rate pack at every rate ({@code <image>_r<k>}).
 *
 * <pre>java dev.lic.core.tools.MakeJavaVectors OUT_DIR TEST_CODEC_PACK [SHIPPED_CODEC_PACK]</pre>
 * (on codec-core's test classpath). In test sources, not the main jar: {@code JavaVectorsTest} runs it,
 * {@code ./mvnw -B -pl codec-core -am test -Dtest=JavaVectorsTest -Dsurefire.failIfNoSpecifiedTests=false -Dlic.regenerateJavaVectors=true} rewrites every vector.
 *
 * A format version 1 pack gives one bitstream per image (rate 0, no suffix); a version 2 pack one per rate.
 */
public final class MakeJavaVectors {
    /** A synthetic image and how it is stored before encoding. */
    record Spec(String name, String kind, int width, int height, long seed, String format) {
    }

    /** One bitstream to write: the image, the pack and rate that encode it, and its file name (no extension). */
    record Vector(String name, Spec spec, String codecId, int rateIndex, boolean shippedPack) {
    }

    /** Images of a single-rate test pack (testvectors/java/). */
    static final List<Spec> TEST_SPECS = List.of(
            new Spec("gradient_64x64", "gradient", 64, 64, 1, "png"),
            new Spec("texture_100x70", "texture", 100, 70, 2, "png"),
            new Spec("blocks_130x200", "blocks", 130, 200, 3, "png"),
            new Spec("tiny_1x1", "texture", 1, 1, 4, "png"),
            new Spec("jpeg_texture_96x80", "texture", 96, 80, 5, "jpeg"));
    /** Images of a variable-rate test pack, each at every rate: fewer, as there are R times as many files. */
    static final List<Spec> TEST_VR_SPECS = List.of(TEST_SPECS.get(0), TEST_SPECS.get(1), TEST_SPECS.get(3));
    /** The image encoded with a shipped pack. */
    static final Spec SHIPPED_SPEC = new Spec("default_blocks_200x130", "blocks", 200, 130, 6, "png");

    private MakeJavaVectors() {
    }

    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: MakeJavaVectors OUT_DIR TEST_CODEC_PACK [SHIPPED_CODEC_PACK]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        List<PackSource> codecs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            codecs.add(PackSource.directory(Path.of(args[i])));
        }
        CodecOptions options = CodecOptions.defaults().withCodecPacks(codecs).withAdaptorPacks(List.of())
                .withIntraOpThreads(1);
        try (Codec codec = Codec.open(options)) {
            write(codec, out).forEach(p -> System.out.println("wrote " + p));
        }
    }

    /**
     * The vectors {@code codec} gives: its first codec pack is the test pack, its second (when loaded) a
     * shipped pack; each image at rate 0 of a version 1 pack, or at every rate of a version 2 pack.
     */
    static List<Vector> plan(Codec codec) {
        List<String> ids = new ArrayList<>(codec.codecIds());
        List<Vector> vectors = new ArrayList<>();
        CodecPack test = codec.codecPack(ids.get(0));
        addVectors(vectors, test, test.formatVersion() == 1 ? TEST_SPECS : TEST_VR_SPECS, false);
        if (ids.size() > 1) {
            addVectors(vectors, codec.codecPack(ids.get(1)), List.of(SHIPPED_SPEC), true);
        }
        return vectors;
    }

    private static void addVectors(List<Vector> out, CodecPack pack, List<Spec> specs, boolean shipped) {
        for (Spec spec : specs) {
            if (pack.formatVersion() == 1) {
                out.add(new Vector(spec.name(), spec, pack.codecId(), 0, shipped));
            } else {
                for (CodecPack.Rate rate : pack.rates()) {
                    out.add(new Vector(spec.name() + "_r" + rate.index(), spec, pack.codecId(), rate.index(), shipped));
                }
            }
        }
    }

    /** Encodes every vector of {@link #plan} and replaces the {@code .lic} and {@code .expect.json} files in {@code dir}. */
    public static List<Path> write(Codec codec, Path dir) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.toList()) {
                    String n = p.getFileName().toString();
                    if (n.endsWith(".lic") || n.endsWith(".expect.json")) {
                        Files.delete(p);
                    }
                }
            }
            for (Vector v : plan(codec)) {
                Spec spec = v.spec();
                byte[] image = imageBytes(synthetic(spec.kind(), spec.width(), spec.height(), spec.seed()),
                        spec.format());
                EncodeResult result = codec.encode(image, v.codecId(), v.rateIndex());
                Latents latents = codec.decodeLatents(result.bitstream());
                Path lic = dir.resolve(v.name() + ".lic");
                Files.write(lic, result.bitstream());
                CodecPack pack = codec.codecPack(v.codecId());
                String source = "java encoder (dev.lic.core.tools.MakeJavaVectors), synthetic image '" + spec.kind()
                        + "' " + spec.width() + "x" + spec.height() + " seed " + spec.seed() + " stored as "
                        + spec.format().toUpperCase(Locale.ROOT) + ", " + packLabel(pack, v.shippedPack())
                        + (pack.formatVersion() == 1 ? "" : ", rate " + v.rateIndex());
                Path expect = dir.resolve(v.name() + ".expect.json");
                // Version 2 vectors also pin the adaptor input y_hat * inv_gain[r], as python-vr/ does.
                float[] adaptorInput = pack.formatVersion() == 1 ? null : codec.adaptorInput(latents);
                Files.writeString(expect, expectation(lic.getFileName().toString(), result.bitstream(), latents,
                        source, adaptorInput), StandardCharsets.UTF_8);
                written.add(lic);
                written.add(expect);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    /** Keeps the wording of the version 1 vectors, so that regenerating them changes no byte. */
    private static String packLabel(CodecPack pack, boolean shipped) {
        if (pack.formatVersion() == 1) {
            return shipped ? "shipped default codec pack" : "test codec pack";
        }
        return (shipped ? "shipped" : "test") + " variable-rate codec pack" + (pack.name().isEmpty() ? ""
                : " " + pack.name());
    }

    /**
     * The {@code .expect.json} text: one line per top-level key, like the Python writer; {@code adaptorInput}
     * (may be null) is digested as little-endian float32.
     */
    static String expectation(String fileName, byte[] bitstream, Latents l, String source, float[] adaptorInput) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("bitstream", quote(fileName));
        fields.put("bytes", Integer.toString(bitstream.length));
        fields.put("sha256", quote(sha256(bitstream)));
        fields.put("width", Integer.toString(l.header().width()));
        fields.put("height", Integer.toString(l.header().height()));
        fields.put("rate_index", Integer.toString(l.header().rateIndex()));
        fields.put("codec_id", quote(l.header().codecId()));
        fields.put("latents", "{" + digest("z_hat", l.zHat(), l.zChannels(), l.zHeight(), l.zWidth()) + ", "
                + digest("scale_index", l.scaleIndex(), l.yChannels(), l.yHeight(), l.yWidth()) + ", "
                + digest("mean_q", l.meanQ(), l.yChannels(), l.yHeight(), l.yWidth()) + ", "
                + digest("q", l.q(), l.yChannels(), l.yHeight(), l.yWidth()) + "}");
        fields.put("source", quote(source));
        if (adaptorInput != null) {
            ByteBuffer b = ByteBuffer.allocate(adaptorInput.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(adaptorInput);
            fields.put("adaptor_input", "{\"shape\": [" + l.yChannels() + ", " + l.yHeight() + ", " + l.yWidth()
                    + "], \"sha256\": " + quote(sha256(b.array())) + "}");
        }
        StringBuilder json = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            json.append(' ').append(quote(e.getKey())).append(": ").append(e.getValue());
            json.append(++i < fields.size() ? ",\n" : "\n");
        }
        return json.append("}\n").toString();
    }

    private static String digest(String name, int[] values, int c, int h, int w) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return quote(name) + ": {\"shape\": [" + c + ", " + h + ", " + w + "], \"sha256\": " + quote(sha256(b.array()))
                + "}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A synthetic RGB image, in the spirit of the Python vectors' {@code synthetic_image}: a smooth
     * gradient (the same formula), a sinusoid texture with Gaussian noise, or random blocks with noise.
     * Noise comes from {@link Random}, so the pixels are Java's own, fixed by the seed.
     */
    public static BufferedImage synthetic(String kind, int width, int height, long seed) {
        Random random = new Random(seed);
        double[][][] img = new double[height][width][3];
        switch (kind) {
            case "gradient" -> {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        double xx = x / 64.0;
                        double yy = y / 64.0;
                        img[y][x][0] = 60 + 120 * xx / Math.max(1, width / 64.0);
                        img[y][x][1] = 200 - 100 * yy / Math.max(1, height / 64.0);
                        img[y][x][2] = 128 + 40 * Math.sin(3 * xx + 2 * yy);
                    }
                }
            }
            case "texture" -> {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        for (int c = 0; c < 3; c++) {
                            img[y][x][c] = 128 + 90 * Math.sin(7 * x / 64.0 + c) * Math.cos(5 * y / 64.0 - c)
                                    + random.nextGaussian() * 12;
                        }
                    }
                }
            }
            case "blocks" -> {
                for (int k = 0; k < 12; k++) {
                    int x0 = random.nextInt(width);
                    int y0 = random.nextInt(height);
                    int bh = 8 + random.nextInt(72);
                    int bw = 8 + random.nextInt(72);
                    int[] colour = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
                    for (int y = y0; y < Math.min(height, y0 + bh); y++) {
                        for (int x = x0; x < Math.min(width, x0 + bw); x++) {
                            for (int c = 0; c < 3; c++) {
                                img[y][x][c] = colour[c];
                            }
                        }
                    }
                }
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        for (int c = 0; c < 3; c++) {
                            img[y][x][c] += random.nextGaussian() * 4;
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    rgb = rgb << 8 | (int) Math.max(0, Math.min(255, Math.floor(img[y][x][c] + 0.5)));
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    public static byte[] imageBytes(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, bytes)) {
            throw new IOException("no " + format + " writer");
        }
        return bytes.toByteArray();
    }
}
