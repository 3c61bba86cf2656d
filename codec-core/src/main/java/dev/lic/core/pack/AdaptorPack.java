package dev.lic.core.pack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.api.LatentGrid;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.image.PaddedImage;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A verified adaptor pack ({@code docs/adaptor-pack.md}): name, version, the codec id whose bitstreams
 * it reads, the task, and the synthesis graph's bytes and tensor names. Whether the graph really has
 * those names, and whether the codec is loaded, is checked when the pack is put to use
 * ({@code dev.lic.core.Codec}); both failures are INVALID_PACK too.
 */
public final class AdaptorPack {
    public static final String FORMAT = "lic-adaptor-pack";
    public static final String SYNTHESIS_FILE = "synthesis.onnx";
    public static final String TASK_IMAGE = "image";
    public static final String TASK_DETECTION = "detection";
    public static final String TASK_SEGMENTATION = "segmentation";
    /** Tasks of format_version 2 (version 1 packs are {@code image} only). */
    public static final List<String> TASKS_V2 = List.of(TASK_IMAGE, TASK_DETECTION, TASK_SEGMENTATION);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    private final PackSource source;
    private final String name;
    private final int version;
    private final String codecId;
    private final String task;
    private final Map<String, String> fileHashes;
    private final byte[] synthesisOnnx;
    private final String synthesisInput;
    private final String synthesisOutput;
    private final int formatVersion;
    private final String graphFile;
    private final List<String> labels;
    private final JsonNode postprocess;
    private final SelfTest selfTest;

    /**
     * The bundled self-test of a format_version 2 pack: the latent {@code y_dec} {@code [1,M,h,w]} (read from
     * little-endian float32), the original image size it stands for, and the expected output (the parsed
     * {@code selftest.expected} JSON file).
     */
    public record SelfTest(float[] input, int channels, int latentHeight, int latentWidth, int width, int height,
                           JsonNode expected) {
    }

    private AdaptorPack(PackSource source, String name, int version, String codecId, String task,
                        Map<String, String> fileHashes, byte[] synthesisOnnx, String synthesisInput,
                        String synthesisOutput, int formatVersion, String graphFile, List<String> labels,
                        JsonNode postprocess, SelfTest selfTest) {
        this.formatVersion = formatVersion;
        this.graphFile = graphFile;
        this.labels = labels;
        this.postprocess = postprocess;
        this.selfTest = selfTest;
        this.source = source;
        this.name = name;
        this.version = version;
        this.codecId = codecId;
        this.task = task;
        this.fileHashes = fileHashes;
        this.synthesisOnnx = synthesisOnnx;
        this.synthesisInput = synthesisInput;
        this.synthesisOutput = synthesisOutput;
    }

    /**
     * Who a pack says it is, read from {@code manifest.json} alone (no file is hashed): what a registry
     * needs to file a pack under (codec id, name, version) before it validates it.
     *
     * @param files the file names the manifest lists (plain names, {@code manifest.json} not included)
     */
    public record Identity(String name, int version, String codecId, String task, List<String> files) {
    }

    /** Reads the identity of a pack; INVALID_PACK when the manifest has no valid name, version or codec id. */
    public static Identity identify(PackSource source) {
        JsonNode root = Manifest.readRoot(source);
        if (!FORMAT.equals(Manifest.text(root, "format"))) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "not a " + FORMAT);
        }
        return identity(source, root);
    }

    private static Identity identity(PackSource source, JsonNode root) {
        String name = Manifest.text(root, "name");
        if (name == null || !NAME.matcher(name).matches()) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "name must match [a-z][a-z0-9-]{0,31}");
        }
        JsonNode version = root.path("version");
        if (!version.isInt() || version.intValue() < 1) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "version must be an integer >= 1");
        }
        String codecId = Manifest.text(root, "codec_id");
        if (!BitstreamHeader.isCodecId(codecId)) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "codec_id must be 64 lowercase hex characters");
        }
        List<String> files = new java.util.ArrayList<>();
        JsonNode listed = root.path("files");
        if (listed.isObject()) {
            for (Map.Entry<String, JsonNode> e : listed.properties()) {
                try {
                    PackSource.checkName(e.getKey());
                } catch (IllegalArgumentException bad) {
                    throw Manifest.invalid(source, Manifest.FILE_NAME, "a listed file is not a plain file name");
                }
                files.add(e.getKey());
            }
        }
        return new Identity(name, version.intValue(), codecId, Manifest.text(root, "task"), List.copyOf(files));
    }

    public static AdaptorPack load(PackSource source) {
        Manifest manifest = Manifest.read(source, FORMAT, List.of(1, 2));
        JsonNode root = manifest.root;
        Identity id = identity(source, root);
        String name = id.name();
        String codecId = id.codecId();
        String task = id.task();
        boolean v2 = manifest.formatVersion == 2;
        if (v2 ? !TASKS_V2.contains(task) : !TASK_IMAGE.equals(task)) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "unknown task " + (task == null ? "(none)" : task)
                    + " for format_version " + manifest.formatVersion);
        }
        JsonNode version = root.path("version");
        JsonNode synthesis = root.path(v2 ? "graph" : "synthesis");
        String input = Manifest.text(synthesis, "input");
        String output = Manifest.text(synthesis, "output");
        String file = v2 ? Manifest.text(synthesis, "file") : SYNTHESIS_FILE;
        if (input == null || output == null || file == null) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, (v2 ? "graph must name its file, input and output"
                    : "synthesis must name its input and output"));
        }
        byte[] graph = manifest.require(source, file);
        List<String> labels = List.of();
        JsonNode post = null;
        SelfTest selfTest = null;
        if (v2) {
            if (!TASK_IMAGE.equals(task)) {
                labels = labels(source, manifest, root.path("labels"));
                post = root.path("postprocess");
                if (!post.isObject()) {
                    throw Manifest.invalid(source, Manifest.FILE_NAME, "postprocess is required for task " + task);
                }
            }
            JsonNode st = root.path("selftest");
            if (!st.isMissingNode() && !st.isNull()) {
                selfTest = selfTest(source, manifest, st);
            } else if (!TASK_IMAGE.equals(task)) {
                throw Manifest.invalid(source, Manifest.FILE_NAME, "selftest is required for task " + task);
            }
        }
        return new AdaptorPack(source, name, version.intValue(), codecId, task,
                Collections.unmodifiableMap(manifest.hashes), graph, input, output, manifest.formatVersion, file,
                labels, post, selfTest);
    }

    private static List<String> labels(PackSource source, Manifest manifest, JsonNode node) {
        List<String> labels = new java.util.ArrayList<>();
        if (node.isArray()) {
            for (JsonNode l : node) {
                labels.add(l.isTextual() ? l.textValue() : "");
            }
        } else if (node.isObject() && Manifest.text(node, "file") != null) {
            String text = new String(manifest.require(source, Manifest.text(node, "file")),
                    java.nio.charset.StandardCharsets.UTF_8);
            for (String line : text.split("\n", -1)) {
                String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                if (!l.isBlank()) {
                    labels.add(l);
                }
            }
        } else {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "labels must be a list of names or {\"file\": name}");
        }
        if (labels.isEmpty() || labels.size() > 65535 || labels.stream().anyMatch(String::isEmpty)) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "labels must be 1..65535 non-empty names");
        }
        return List.copyOf(labels);
    }

    private static SelfTest selfTest(PackSource source, Manifest manifest, JsonNode st) {
        String inputFile = Manifest.text(st, "input");
        String expectedFile = Manifest.text(st, "expected");
        JsonNode shape = st.path("shape");
        int width = st.path("width").asInt(-1);
        int height = st.path("height").asInt(-1);
        if (inputFile == null || expectedFile == null || !shape.isArray() || shape.size() != 4
                || shape.get(0).asInt() != 1 || !st.path("width").isInt() || !st.path("height").isInt()) {
            throw Manifest.invalid(source, Manifest.FILE_NAME,
                    "selftest needs input, expected, shape [1,M,h,w], width and height");
        }
        int m = shape.get(1).asInt();
        int h = shape.get(2).asInt();
        int w = shape.get(3).asInt();
        if (m < 1 || h < 1 || w < 1 || (long) m * h * w > (1 << 24) || width < 1 || height < 1
                || w != PaddedImage.pad(width) / LatentGrid.Y_STRIDE
                || h != PaddedImage.pad(height) / LatentGrid.Y_STRIDE) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "selftest shape " + shape + " and size " + width
                    + "x" + height + " do not fit (w = 4 ceil(width/64), h = 4 ceil(height/64), docs/bitstream.md)");
        }
        byte[] raw = manifest.require(source, inputFile);
        if (raw.length != 4L * m * h * w) {
            throw Manifest.invalid(source, inputFile, raw.length + " bytes, the shape " + shape + " needs "
                    + 4L * m * h * w);
        }
        float[] input = new float[m * h * w];
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(input);
        JsonNode expected;
        try {
            expected = new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest.require(source, expectedFile));
        } catch (java.io.IOException e) {
            throw Manifest.invalid(source, expectedFile, "not valid JSON");
        }
        if (expected == null || !expected.isObject()) {
            throw Manifest.invalid(source, expectedFile, "not a JSON object");
        }
        return new SelfTest(input, m, h, w, width, height, expected);
    }

    public PackSource source() {
        return source;
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    public String codecId() {
        return codecId;
    }

    public String task() {
        return task;
    }

    public Map<String, String> fileHashes() {
        return fileHashes;
    }

    /** 1 or 2. */
    public int formatVersion() {
        return formatVersion;
    }

    /** The graph's file: {@code synthesis.onnx} (version 1) or {@code graph.file}. */
    public String graphFile() {
        return graphFile;
    }

    /** Class labels (detection, segmentation); empty for {@code image}. */
    public List<String> labels() {
        return labels;
    }

    /** The manifest's {@code postprocess} object (detection, segmentation); null for {@code image}. */
    public JsonNode postprocess() {
        return postprocess;
    }

    /** The bundled self-test, or empty (version 1 packs, image packs without one: the dry run applies). */
    public java.util.Optional<SelfTest> selfTest() {
        return java.util.Optional.ofNullable(selfTest);
    }

    /** The verified bytes of the graph ({@link #graphFile()}); a copy. */
    public byte[] synthesisOnnx() {
        return synthesisOnnx.clone();
    }

    public String synthesisInput() {
        return synthesisInput;
    }

    public String synthesisOutput() {
        return synthesisOutput;
    }
}
