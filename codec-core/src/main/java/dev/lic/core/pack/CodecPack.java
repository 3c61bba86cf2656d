package dev.lic.core.pack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.api.LicException;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.entropy.EntropyTables;
import dev.lic.core.entropy.EntropyTablesFile;
import dev.lic.core.hyper.HyperSynthesisFile;
import dev.lic.core.hyper.IntegerHyperSynthesis;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A verified codec pack ({@code docs/codec-pack.md}): the manifest, the SHA-256 of every listed file, the
 * codec id recomputed from them, the parsed integer hyper-synthesis and entropy tables, the encoder
 * graph's bytes, its rates and, for a format version 2 (variable-rate) pack, its gains. {@link #load}
 * either returns a pack fit to serve or throws INVALID_PACK naming the file.
 */
public final class CodecPack {
    public static final String FORMAT = "lic-codec-pack";
    public static final String ENCODER_FILE = "encoder.onnx";
    /** Format versions this build loads: 1 (one rate) and 2 (variable rate, gains.bin). */
    public static final List<Integer> FORMAT_VERSIONS = List.of(1, 2);

    private final PackSource source;
    private final int formatVersion;
    private final String codecId;
    private final String name;
    private final Map<String, String> fileHashes;
    private final IntegerHyperSynthesis hyperSynthesis;
    private final EntropyTables entropyTables;
    private final RateGains gains;
    private final Manifest manifest;
    private final EncoderNames encoder;
    private final PackRates rates;

    /**
     * One entry of the manifest's {@code rates}. The numbers are descriptive (nothing decodes by them) and
     * NaN when the manifest does not give them.
     *
     * @param lambda the training trade-off
     * @param kodakBpp mean bits per pixel over the Kodak images, real bitstreams, as measured by the exporter
     * @param kodakPsnr mean PSNR (dB) over the Kodak images, same measurement
     */
    public record Rate(int index, double lambda, double kodakBpp, double kodakPsnr) {
    }

    /** Tensor names of {@code encoder.onnx}; {@code gain} is null for a version 1 pack. */
    private record EncoderNames(String input, String gain, String y, String z) {
    }

    private CodecPack(PackSource source, int formatVersion, String codecId, String name,
                      Map<String, String> fileHashes, IntegerHyperSynthesis hyperSynthesis,
                      EntropyTables entropyTables, RateGains gains, Manifest manifest, EncoderNames encoder,
                      PackRates rates) {
        this.source = source;
        this.formatVersion = formatVersion;
        this.codecId = codecId;
        this.name = name;
        this.fileHashes = fileHashes;
        this.hyperSynthesis = hyperSynthesis;
        this.entropyTables = entropyTables;
        this.gains = gains;
        this.manifest = manifest;
        this.encoder = encoder;
        this.rates = rates;
    }

    /**
     * The codec id {@code source}'s manifest declares, reading only the manifest: for choosing which packs
     * to load. {@link #load} verifies it against the files.
     *
     * @throws LicException INVALID_PACK when the manifest cannot be read or declares no codec id
     */
    public static String declaredCodecId(PackSource source) {
        String id = Manifest.text(Manifest.readRoot(source), "codec_id");
        if (!BitstreamHeader.isCodecId(id)) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "codec_id must be 64 lowercase hex characters");
        }
        return id;
    }

    /**
     * The name {@code source}'s manifest declares, reading only the manifest: for choosing which packs to
     * load by the name a user gives.
     *
     * @throws LicException INVALID_PACK when the manifest cannot be read or declares no name
     */
    public static String declaredName(PackSource source) {
        return Manifest.text(Manifest.readRoot(source), "name");
    }

    public static CodecPack load(PackSource source) {
        return load(source, false);
    }

    /**
     * As {@link #load(PackSource)}; with {@code deferEncoder} {@code encoder.onnx} (the largest file, which
     * only encoding needs) is read and its hash verified by the first {@link #encoderOnnx()}, which then
     * throws INVALID_PACK if it is bad. For a process that only decodes.
     */
    public static CodecPack load(PackSource source, boolean deferEncoder) {
        Manifest manifest = Manifest.read(source, FORMAT, FORMAT_VERSIONS,
                deferEncoder ? java.util.Set.of(ENCODER_FILE) : java.util.Set.of());
        JsonNode root = manifest.root;
        int version = manifest.formatVersion;
        if (!manifest.lists(ENCODER_FILE)) {
            throw Manifest.invalid(source, ENCODER_FILE, "not listed in " + Manifest.FILE_NAME);
        }
        byte[] hyper = manifest.require(source, HyperSynthesisFile.FILE_NAME);
        byte[] tables = manifest.require(source, EntropyTablesFile.FILE_NAME);
        byte[] gainsFile = version >= 2 ? manifest.require(source, GainsFile.FILE_NAME) : null;
        if (version == 1 && manifest.hashes.containsKey(GainsFile.FILE_NAME)) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, GainsFile.FILE_NAME
                    + " is listed, but a format_version 1 pack has one rate and no gains");
        }
        String id = Manifest.codecId(manifest.hashes);
        String declared = Manifest.text(root, "codec_id");
        if (!id.equals(declared)) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "codec_id " + declared + " but the files give " + id);
        }
        EncoderNames names = encoderNames(source, root.path("encoder"), version);
        IntegerHyperSynthesis net;
        EntropyTables entropy;
        RateGains gains;
        try {
            net = HyperSynthesisFile.parse(hyper);
            entropy = EntropyTablesFile.parse(tables, net.inputChannels());
            gains = gainsFile == null ? null : GainsFile.parse(gainsFile, net.outputChannels());
        } catch (LicException e) {
            throw new LicException(e.kind(), "pack " + source.describe() + ": " + e.getMessage(), e);
        }
        PackRates rates = PackRates.read(source, root, version, gains == null ? 1 : gains.rateCount());
        String packName = Manifest.text(root, "name");
        return new CodecPack(source, version, id, packName == null ? "" : packName,
                Collections.unmodifiableMap(manifest.hashes), net, entropy, gains, manifest, names, rates);
    }

    private static EncoderNames encoderNames(PackSource source, JsonNode enc, int version) {
        String input = Manifest.text(enc, "input");
        String gain = Manifest.text(enc, "gain");
        String y = Manifest.text(enc, "y");
        String z = Manifest.text(enc, "z");
        if (input == null || y == null || z == null) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "encoder must name its input, y and z");
        }
        if (version >= 2 && gain == null) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "encoder must name its gain input (format_version "
                    + version + ")");
        }
        if (version == 1 && !enc.path("gain").isMissingNode()) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "encoder names a gain input, but a format_version 1"
                    + " encoder has only the image input");
        }
        if (input.equals(gain)) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "encoder input and gain have the same name");
        }
        return new EncoderNames(input, gain, y, z);
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
        return manifest.require(source, ENCODER_FILE).clone();
    }

    public String encoderInput() {
        return encoder.input();
    }

    /** Name of the encoder graph's gain input; empty for a version 1 pack. */
    public Optional<String> encoderGain() {
        return Optional.ofNullable(encoder.gain());
    }

    public String encoderY() {
        return encoder.y();
    }

    public String encoderZ() {
        return encoder.z();
    }

    /** {@code format_version}: 1 (one rate) or 2 (variable rate). */
    public int formatVersion() {
        return formatVersion;
    }

    /** The gains of a version 2 pack; empty for version 1. */
    public Optional<RateGains> gains() {
        return Optional.ofNullable(gains);
    }

    /** The rates, lowest first; index {@code i} is at position {@code i}. */
    public List<Rate> rates() {
        return rates.rates();
    }

    /** The rate index an encoder uses when a request names none (0 for a version 1 pack). */
    public int defaultRate() {
        return rates.defaultRate();
    }

    public boolean hasRate(int index) {
        return index >= 0 && index < rates.rates().size();
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
