package dev.lic.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lic.api.Adaptors;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.client.LicClient;
import dev.lic.core.adaptor.TaskOptions;
import dev.lic.proto.v1.DecodeRequest;
import dev.lic.proto.v1.DecodeResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode bitstreams (files, or folders searched recursively), or a stored one (--id), through an adaptor.")
final class DecodeCommand implements Callable<Integer> {
    /** What a folder's files must end with to be decoded. */
    static final Set<String> BITSTREAM_EXTENSIONS = Set.of(".lic");

    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backend;

    @Mixin
    BatchOptions batch;

    @Parameters(arity = "0..*", paramLabel = "INPUT", description = "bitstream files (.lic), or folders of them (*.lic, recursively)")
    List<Path> inputs;

    @Option(names = "--id", description = "decode the stored bitstream with this id (from the server's store, or "
            + "with --offline from the store of --store-dir / --store-s3-*)")
    String id;

    @Mixin
    StoreOptions store;

    @Option(names = {"-o", "--output"}, required = true, description = "one bitstream: the output file, - for stdout; "
            + "PNG (image adaptors; raw RGB with --format raw), JSON (detection); segmentation: JSON, or with a .png "
            + "name an 8-bit class-index PNG plus the JSON beside it. Folders or several bitstreams: a folder (created "
            + "if absent) that gets <name>.png (.rgb raw, .json detection; segmentation .png + .json), keeping sub-folders")
    Path output;

    @Option(names = "--adaptor", defaultValue = Adaptors.DEFAULT_NAME,
            description = "adaptor name (default ${DEFAULT-VALUE})")
    String adaptor;

    @Option(names = "--adaptor-version", defaultValue = "0",
            description = "adaptor version (`lic adaptors list`); 0, the default, is the active one")
    int adaptorVersion;

    @Option(names = "--format", defaultValue = "png", paramLabel = "png|raw",
            description = "images as PNG (default) or as raw interleaved 8-bit RGB, row by row, no header (.rgb; "
                    + "width and height are printed): for programs that want pixels, not a file")
    ImageForm format;

    @Option(names = "--score-threshold", paramLabel = "0..1", description = "detection adaptors: keep boxes scoring"
            + " at least this (default: the pack's, 0.25 for the shipped detection adaptor; mAP evaluation uses 0.001)")
    Double scoreThreshold;

    @Option(names = "--nms-iou", paramLabel = "0..1", description = "detection adaptors: class-wise NMS drops a box"
            + " whose IoU with a kept box of its class is above this (default: the pack's, 0.45 for the shipped"
            + " detection adaptor)")
    Double nmsIou;

    /** The detection settings given, checked before any file is read. */
    private TaskOptions taskOptions;

    @Override
    public Integer call() throws Exception {
        if (adaptorVersion < 0) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "--adaptor-version must be 0 (active) or more");
        }
        taskOptions = new TaskOptions(optional(scoreThreshold, "--score-threshold"), optional(nmsIou, "--nms-iou"));
        List<Path> files = inputs == null ? List.of() : inputs;
        batch.check();
        if (files.isEmpty() == (id == null)) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "give a bitstream file or --id, not both");
        }
        if (id != null) {
            return decodeStored();
        }
        boolean toFolder = files.size() > 1 || Files.isDirectory(files.get(0)) || Files.isDirectory(output);
        if (!toFolder && !batch.json) {
            byte[] bitstream = Files.readAllBytes(files.get(0));
            Backend.Decoded d;
            try (Backend b = backend.openForDecode(codecIds(List.of(bitstream)), adaptor, adaptorVersion, 0)) {
                d = b.decode(bitstream, adaptor, adaptorVersion, format, taskOptions);
            }
            return report(d);
        }
        List<InputFiles.Item> items = toFolder ? InputFiles.expand(files, BITSTREAM_EXTENSIONS, output)
                : List.of(new InputFiles.Item(files.get(0), null, null));
        if (items.isEmpty()) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "no bitstreams (*.lic) in " + files);
        }
        return decodeAll(items);
    }

    private int decodeStored() throws IOException {
        var local = backend.offline ? java.util.Optional.of(store.required()) : store.store();
        if (local.isPresent()) {
            byte[] bitstream;
            try (LocalStore bitstreams = new LocalStore(local.get())) {
                bitstream = bitstreams.store().get(id); // verified against the id
            }
            try (Backend b = OfflineBackend.forDecode(codecIds(List.of(bitstream)), adaptor, adaptorVersion,
                    dev.lic.core.CodecOptions.defaults().intraOpThreads())) {
                return report(b.decode(bitstream, adaptor, adaptorVersion, format));
            }
        }
        Backend.Decoded d;
        try (LicClient client = backend.server.connect()) {
            d = RemoteBackend.decode(client, DecodeRequest.newBuilder().setStoredId(id), adaptor, adaptorVersion,
                    format, taskOptions);
        }
        return report(d);
    }

    /** A flag's value, when given; out of [0, 1] or NaN is INVALID_ARGUMENT (exit 2) naming the flag. */
    private static OptionalDouble optional(Double value, String flag) {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, flag + " must be a number in [0, 1], not " + value);
        }
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** Writes one decode to {@code -o} (or stdout) and prints what was written, as {@code lic decode} always has. */
    private int report(Backend.Decoded d) throws IOException {
        boolean toStdout = output.toString().equals("-");
        List<Path> written;
        PrintWriter info = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
        if (toStdout) {
            Path temp = Files.createTempFile("lic-decode", ".out");
            try {
                written = TaskOutputFiles.write(d, temp);
                for (Path p : written) {
                    System.out.write(Files.readAllBytes(p));
                    Files.deleteIfExists(p);
                }
                System.out.flush();
                written = List.of(Path.of("-"));
            } finally {
                Files.deleteIfExists(temp);
            }
        } else {
            written = TaskOutputFiles.write(d, output);
        }
        String what = switch (d.response().getOutputCase()) {
            case DETECTIONS -> ", " + d.response().getDetections().getDetectionsCount() + " detections";
            case SEGMENTATION -> ", " + d.response().getSegmentation().getLabelsCount() + " classes";
            default -> d.rgb() != null ? ", raw RGB" : "";
        };
        info.printf("%s: %dx%d via %s v%d%s%n", written.stream().map(Path::toString)
                .collect(Collectors.joining(", ")), d.width(), d.height(), d.adaptor(), d.adaptorVersion(), what);
        info.flush();
        return 0;
    }

    private int decodeAll(List<InputFiles.Item> items) throws Exception {
        Set<String> codecIds = new HashSet<>();
        for (InputFiles.Item item : items) {
            if (item.failure() == null) {
                codecIds.addAll(codecIds(List.of(headerOf(item.input()))));
            }
        }
        MemoryBudget budget = new MemoryBudget(batch.memoryMb);
        try (Backend b = backend.openForDecode(codecIds, adaptor, adaptorVersion, batch.threadsPerImage())) {
            return new BatchRun("decode", batch, spec.commandLine().getOut()).run(items, output, item -> {
                long t0 = System.nanoTime();
                byte[] bitstream = Files.readAllBytes(item.input());
                Backend.Decoded d;
                long estimate = b.decodeMemory(bitstream, adaptor, adaptorVersion);
                try (MemoryBudget.Ticket ticket = budget.acquire(estimate)) {
                    d = b.decode(bitstream, adaptor, adaptorVersion, format, taskOptions);
                }
                Path target = item.outputBase() == null ? output : item.outputBase().resolveSibling(
                        item.outputBase().getFileName() + TaskOutputFiles.extension(d, format));
                EncodeCommand.createParent(target);
                List<Path> written = TaskOutputFiles.write(d, target);
                long bytesOut = 0;
                for (Path p : written) {
                    bytesOut += Files.size(p);
                }
                long pixels = (long) d.width() * d.height();
                double bpp = pixels == 0 ? 0 : bitstream.length * 8.0 / pixels;
                DecodeResponse r = d.response();
                ObjectNode json = BatchRun.okJson(item.input(), written, System.nanoTime() - t0);
                json.put("width", d.width()).put("height", d.height()).put("bytes", bitstream.length)
                        .put("bytes_out", bytesOut).put("bpp", bpp).put("codec_id", r.getCodecId())
                        .put("adaptor", d.adaptor()).put("version", d.adaptorVersion())
                        .put("task", r.getTask().isEmpty() ? "image" : r.getTask());
                return new Outcome(item.input(), json, pixels, bitstream.length, bytesOut, bpp, null);
            });
        }
    }

    /** The codec ids the bitstreams name (offline, only those packs are loaded). */
    private static Set<String> codecIds(List<byte[]> headers) {
        Set<String> ids = new HashSet<>();
        for (byte[] h : headers) {
            String codecId = OfflineBackend.codecIdOf(h);
            if (codecId != null) {
                ids.add(codecId);
            }
        }
        return ids;
    }

    /** The first 40 bytes of a file (magic to codec id), or none when it cannot be read: it fails later. */
    private static byte[] headerOf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(40);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
