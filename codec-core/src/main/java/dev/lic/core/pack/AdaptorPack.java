package dev.lic.core.pack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.core.bitstream.BitstreamHeader;

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

    private AdaptorPack(PackSource source, String name, int version, String codecId, String task,
                        Map<String, String> fileHashes, byte[] synthesisOnnx, String synthesisInput,
                        String synthesisOutput) {
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
        Manifest manifest = Manifest.read(source, FORMAT, List.of(1));
        JsonNode root = manifest.root;
        Identity id = identity(source, root);
        String name = id.name();
        String codecId = id.codecId();
        String task = id.task();
        if (!TASK_IMAGE.equals(task)) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "unknown task " + (task == null ? "(none)" : task));
        }
        JsonNode version = root.path("version");
        JsonNode synthesis = root.path("synthesis");
        String input = Manifest.text(synthesis, "input");
        String output = Manifest.text(synthesis, "output");
        if (input == null || output == null) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "synthesis must name its input and output");
        }
        byte[] graph = manifest.require(source, SYNTHESIS_FILE);
        return new AdaptorPack(source, name, version.intValue(), codecId, task,
                Collections.unmodifiableMap(manifest.hashes), graph, input, output);
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

    /** The verified bytes of {@code synthesis.onnx}; a copy. */
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
