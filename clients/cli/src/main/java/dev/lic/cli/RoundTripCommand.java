package dev.lic.cli;

import dev.lic.api.Adaptors;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.client.LicClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * encode -> put -> get -> decode for every image, checking that the stored bytes come back unchanged,
 * and prints bpp and PSNR. With --offline: encode -> decode in this process.
 */
@Command(name = "roundtrip", mixinStandardHelpOptions = true,
        description = "Encode, store, fetch and decode images (files or folders); print bpp and PSNR.")
final class RoundTripCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backend;

    @Parameters(arity = "1..*", description = "PNG/JPEG files or folders of them")
    List<Path> inputs;

    @Option(names = "--rate", paramLabel = "R",
            description = "rate index of the default codec pack (lic info lists them); default: the pack's default rate")
    Integer rate;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> images = expand(inputs);
        double sumBpp = 0;
        double sumPsnr = 0;
        int usedRate = -1;
        try (Backend codec = backend.open();
             LicClient store = backend.offline ? null : backend.server.connect()) {
            out.printf("%-28s %9s %8s %7s %8s%n", "image", "size", "bytes", "bpp", "PSNR dB");
            for (Path image : images) {
                byte[] original = Files.readAllBytes(image);
                Backend.Encoded e = codec.encode(original, "", RateOption.of(rate), false);
                byte[] bitstream = e.bitstream();
                if (store != null) {
                    String id = store.put(bitstream).getId();
                    bitstream = store.get(id);
                    if (!Arrays.equals(bitstream, e.bitstream())) {
                        throw new LicException(ErrorKind.STORE_CORRUPT, "store returned other bytes for " + id);
                    }
                }
                Backend.Decoded d = codec.decode(bitstream, Adaptors.DEFAULT_NAME);
                double psnr = Psnr.between(original, d.png());
                usedRate = e.rateIndex();
                sumBpp += e.bpp();
                sumPsnr += psnr;
                out.printf("%-28s %4dx%-4d %8d %7.4f %8.3f%n", image.getFileName(), e.width(), e.height(),
                        bitstream.length, e.bpp(), psnr);
            }
        }
        out.printf("mean over %d images: %.4f bpp, %.3f dB PSNR (rate %d)%n", images.size(), sumBpp / images.size(),
                sumPsnr / images.size(), usedRate);
        return 0;
    }

    private static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> images = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(RoundTripCommand::isImage).sorted().forEach(images::add);
                }
            } else {
                images.add(p);
            }
        }
        if (images.isEmpty()) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "no PNG or JPEG images in " + inputs);
        }
        return images;
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase();
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }
}
