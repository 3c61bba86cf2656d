package dev.lic.core.pack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.core.entropy.EntropyTables;
import dev.lic.core.entropy.EntropyTablesFile;
import dev.lic.core.hyper.HyperSynthesisFile;
import dev.lic.core.hyper.IntegerHyperSynthesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A verified codec pack ({@code docs/codec-pack.md}): the manifest, the SHA-256 of every listed file, the
 * codec id recomputed from them, the parsed integer hyper-synthesis and entropy tables, and the encoder
 * graph's bytes. {@link #load} either returns a pack fit to serve or throws INVALID_PACK naming the file.
 */
public final class CodecPack {
    public static final String FORMAT = "lic-codec-pack";
    public static final String ENCODER_FILE = "encoder.onnx";

    private final PackSource source;
    private final String codecId;
    private final String name;
    private final Map<String, String> fileHashes;
    private final IntegerHyperSynthesis hyperSynthesis;
    private final EntropyTables entropyTables;
    private final byte[] encoderOnnx;
    private final String encoderInput;
    private final String encoderY;
    private final String encoderZ;
    private final List<Rate> rates;

    /** One entry of the manifest's {@code rates}. */
    public record Rate(int index, double lambda) {
    }

    private CodecPack(PackSource source, String codecId, String name, Map<String, String> fileHashes,
                      IntegerHyperSynthesis hyperSynthesis, EntropyTables entropyTables, byte[] encoderOnnx,
                      String encoderInput, String encoderY, String encoderZ, List<Rate> rates) {
        this.source = source;
        this.codecId = codecId;
        this.name = name;
        this.fileHashes = fileHashes;
        this.hyperSynthesis = hyperSynthesis;
        this.entropyTables = entropyTables;
        this.encoderOnnx = encoderOnnx;
        this.encoderInput = encoderInput;
        this.encoderY = encoderY;
        this.encoderZ = encoderZ;
        this.rates = rates;
    }

    public static CodecPack load(PackSource source) {
        Manifest manifest = Manifest.read(source, FORMAT);
        JsonNode root = manifest.root;
        byte[] encoder = manifest.require(source, ENCODER_FILE);
        byte[] hyper = manifest.require(source, HyperSynthesisFile.FILE_NAME);
        byte[] tables = manifest.require(source, EntropyTablesFile.FILE_NAME);
        String id = Manifest.codecId(manifest.hashes);
        String declared = Manifest.text(root, "codec_id");
        if (!id.equals(declared)) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "codec_id " + declared + " but the files give " + id);
        }
        JsonNode enc = root.path("encoder");
        String input = Manifest.text(enc, "input");
        String y = Manifest.text(enc, "y");
        String z = Manifest.text(enc, "z");
        if (input == null || y == null || z == null) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "encoder must name its input, y and z");
        }
        List<Rate> rates = readRates(source, root.path("rates"));
        IntegerHyperSynthesis net;
        EntropyTables entropy;
        try {
            net = HyperSynthesisFile.parse(hyper);
            entropy = EntropyTablesFile.parse(tables, net.inputChannels());
        } catch (dev.lic.core.LicException e) {
            throw new dev.lic.core.LicException(e.kind(), "pack " + source.describe() + ": " + e.getMessage(), e);
        }
        String packName = Manifest.text(root, "name");
        return new CodecPack(source, id, packName == null ? "" : packName, Collections.unmodifiableMap(manifest.hashes),
                net, entropy, encoder, input, y, z, rates);
    }

    private static List<Rate> readRates(PackSource source, JsonNode node) {
        List<Rate> rates = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode r : node) {
                if (!r.path("index").isInt()) {
                    rates.clear();
                    break;
                }
                rates.add(new Rate(r.path("index").intValue(), r.path("lambda").asDouble(Double.NaN)));
            }
        }
        if (rates.size() != 1 || rates.get(0).index() != 0) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "version 1 packs hold exactly one rate, index 0");
        }
        return List.copyOf(rates);
    }

    public PackSource source() {
        return source;
    }

    /** 64 lowercase hex characters, recomputed from the files and equal to the manifest's. */
    public String codecId() {
        return codecId;
    }

    public String name() {
        return name;
    }

    /** Listed file name to verified SHA-256 hex, sorted by name. */
    public Map<String, String> fileHashes() {
        return fileHashes;
    }

    public IntegerHyperSynthesis hyperSynthesis() {
        return hyperSynthesis;
    }

    public EntropyTables entropyTables() {
        return entropyTables;
    }

    /** The verified bytes of {@code encoder.onnx}; a copy. */
    public byte[] encoderOnnx() {
        return encoderOnnx.clone();
    }

    public String encoderInput() {
        return encoderInput;
    }

    public String encoderY() {
        return encoderY;
    }

    public String encoderZ() {
        return encoderZ;
    }

    public List<Rate> rates() {
        return rates;
    }

    public boolean hasRate(int index) {
        for (Rate r : rates) {
            if (r.index() == index) {
                return true;
            }
        }
        return false;
    }

    /** {@code N}. */
    public int zChannels() {
        return hyperSynthesis.inputChannels();
    }

    /** {@code M}. */
    public int yChannels() {
        return hyperSynthesis.outputChannels();
    }
}
