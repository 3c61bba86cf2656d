package dev.lic.cli;

import dev.lic.api.Adaptors;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.client.LicClient;
import dev.lic.proto.v1.DecodeResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode a bitstream file, or a stored one (--id), through an adaptor.")
final class DecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backend;

    @Parameters(index = "0", arity = "0..1", description = "bitstream file (.lic)")
    Path input;

    @Option(names = "--id", description = "decode the stored bitstream with this id (server only)")
    String id;

    @Option(names = {"-o", "--output"}, required = true, description = "output: PNG (image adaptors), JSON (detection); segmentation: JSON, or with a .png name an "
                    + "8-bit class-index PNG plus the JSON beside it")
    Path output;

    @Option(names = "--adaptor", defaultValue = Adaptors.DEFAULT_NAME,
            description = "adaptor name (default ${DEFAULT-VALUE})")
    String adaptor;

    @Option(names = "--adaptor-version", defaultValue = "0",
            description = "adaptor version (`lic adaptors list`); 0, the default, is the active one")
    int adaptorVersion;

    @Override
    public Integer call() throws Exception {
        if (adaptorVersion < 0) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "--adaptor-version must be 0 (active) or more");
        }
        if ((input == null) == (id == null)) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "give a bitstream file or --id, not both");
        }
        Backend.Decoded d;
        if (id != null) {
            if (backend.offline) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "--id needs a server; drop --offline");
            }
            try (LicClient client = backend.server.connect()) {
                DecodeResponse r = client.decodeStored(id, adaptor, adaptorVersion);
                d = new Backend.Decoded(r);
            }
        } else {
            try (Backend b = backend.open()) {
                d = b.decode(Files.readAllBytes(input), adaptor, adaptorVersion);
            }
        }
        List<Path> written = TaskOutputFiles.write(d.response(), output);
        String what = switch (d.response().getOutputCase()) {
            case DETECTIONS -> ", " + d.response().getDetections().getDetectionsCount() + " detections";
            case SEGMENTATION -> ", " + d.response().getSegmentation().getLabelsCount() + " classes";
            default -> "";
        };
        spec.commandLine().getOut().printf("%s: %dx%d via %s v%d%s%n", written.stream().map(Path::toString)
                .collect(java.util.stream.Collectors.joining(", ")), d.width(), d.height(), d.adaptor(),
                d.adaptorVersion(), what);
        return 0;
    }
}
