package dev.lic.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Encode PNG/JPEG images (files, or folders searched recursively) into bitstreams.")
final class EncodeCommand implements Callable<Integer> {
    /** What a folder's files must end with to be encoded. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of(".png", ".jpg", ".jpeg");

    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backend;

    @Mixin
    BatchOptions batch;

    @Parameters(arity = "1..*", paramLabel = "INPUT",
            description = "images (PNG or JPEG), or folders of them (*.png, *.jpg, *.jpeg, recursively)")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, required = true,
            description = "one image: the bitstream file (.lic); folders or several images: a folder (created if "
                    + "absent) that gets <name>.lic for each, keeping sub-folders")
    Path output;

    @Option(names = "--rate", paramLabel = "R",
            description = "rate index of the codec pack, 0 = lowest (lic info lists them); default: the pack's default rate")
    Integer rate;

    @Option(names = "--codec", paramLabel = "NAME", defaultValue = "",
            description = "codec pack name or id (lic info lists them), e.g. hyperprior-s (the first codec); "
                    + "default: the default codec")
    String codec;

    @Option(names = "--store", description = "also keep the bitstream in the server's store (with --offline: in the "
            + "store of --store-dir / --store-s3-*)")
    boolean store;

    @Mixin
    StoreOptions storeOptions;

    /** The store an offline --store keeps bitstreams in; null when the server does (or nothing is kept). */
    private LocalStore localStore;

    @Override
    public Integer call() throws Exception {
        OptionalInt rateIndex = RateOption.of(rate);
        batch.check();
        var local = storeOptions.store();
        if (local.isPresent() && !store) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "the store options say where --store keeps bitstreams: "
                    + "add --store");
        }
        if (store && (backend.offline || local.isPresent())) {
            backend.offline = true; // a store opened here: the codec runs here too
            localStore = new LocalStore(local.orElseGet(storeOptions::required));
        }
        try {
            return encode(rateIndex);
        } finally {
            if (localStore != null) {
                localStore.close();
            }
        }
    }

    private int encode(OptionalInt rateIndex) throws Exception {
        boolean toFolder = inputs.size() > 1 || Files.isDirectory(inputs.get(0)) || Files.isDirectory(output);
        if (!toFolder && !batch.json) {
            return encodeOne(rateIndex);
        }
        List<InputFiles.Item> items = toFolder ? InputFiles.expand(inputs, IMAGE_EXTENSIONS, output)
                : List.of(new InputFiles.Item(inputs.get(0), null, null));
        if (items.isEmpty()) {
            throw new dev.lic.api.LicException(dev.lic.api.ErrorKind.INVALID_ARGUMENT,
                    "no images (*.png, *.jpg, *.jpeg) in " + inputs);
        }
        MemoryBudget budget = new MemoryBudget(batch.memoryMb);
        try (Backend b = backend.openForEncode(codec, batch.threadsPerImage())) {
            return new BatchRun("encode", batch, spec.commandLine().getOut()).run(items, output, item -> {
                long t0 = System.nanoTime();
                byte[] image = Files.readAllBytes(item.input());
                Backend.Encoded e;
                try (MemoryBudget.Ticket ticket = budget.acquire(b.encodeMemory(image))) {
                    e = keep(b.encode(image, codec, rateIndex, store && localStore == null));
                }
                Path target = item.outputBase() == null ? output : item.outputBase().resolveSibling(
                        item.outputBase().getFileName() + ".lic");
                createParent(target);
                Files.write(target, e.bitstream());
                ObjectNode json = BatchRun.okJson(item.input(), List.of(target), System.nanoTime() - t0);
                json.put("width", e.width()).put("height", e.height()).put("bytes", e.bitstream().length)
                        .put("bpp", e.bpp()).put("codec_id", e.codecId()).put("rate", e.rateIndex());
                if (!e.storedId().isEmpty()) {
                    json.put("stored_id", e.storedId());
                }
                return new Outcome(item.input(), json, (long) e.width() * e.height(), image.length,
                        e.bitstream().length, e.bpp(), null);
            });
        }
    }

    /** One image to one file: what {@code lic encode IN -o OUT.lic} has always done. */
    private int encodeOne(OptionalInt rateIndex) throws Exception {
        Path input = inputs.get(0);
        byte[] image = Files.readAllBytes(input);
        try (Backend b = backend.openForEncode(codec, 0)) {
            Backend.Encoded e = keep(b.encode(image, codec, rateIndex, store && localStore == null));
            Files.write(output, e.bitstream());
            spec.commandLine().getOut().printf("%s: %dx%d, %d bytes, %.4f bpp, codec %s rate %d%s%n", output,
                    e.width(), e.height(), e.bitstream().length, e.bpp(), e.codecId().substring(0, 12),
                    e.rateIndex(), e.storedId().isEmpty() ? "" : ", stored as " + e.storedId());
        }
        return 0;
    }

    /** Puts the bitstream into the offline store, if there is one; the result names its id. */
    private Backend.Encoded keep(Backend.Encoded e) {
        if (localStore == null) {
            return e;
        }
        String id = localStore.store().put(e.bitstream()).id();
        return new Backend.Encoded(e.bitstream(), e.width(), e.height(), e.bpp(), e.codecId(), e.rateIndex(), id);
    }

    static void createParent(Path file) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
