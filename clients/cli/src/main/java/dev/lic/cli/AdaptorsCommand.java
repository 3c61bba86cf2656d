package dev.lic.cli;

import dev.lic.api.ExitCodes;
import dev.lic.api.ErrorKind;
import dev.lic.client.LicClient;
import dev.lic.proto.v1.AdaptorEntry;
import dev.lic.proto.v1.AdaptorState;
import dev.lic.proto.v1.AdaptorVersion;
import dev.lic.proto.v1.RegisterHeader;
import dev.lic.proto.v1.RegisterResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lic adaptors}: the server's adaptor registry (docs/adaptor-registry.md). Exit codes follow
 * docs/errors.md; a registered pack that fails validation exits 10 (INVALID_PACK) with the reason.
 */
@Command(name = "adaptors", mixinStandardHelpOptions = true,
        description = "List, register, activate, roll back and delete adaptor versions on the server.",
        subcommands = {AdaptorsCommand.ListAdaptors.class, AdaptorsCommand.Register.class,
                AdaptorsCommand.Activate.class, AdaptorsCommand.Rollback.class, AdaptorsCommand.Delete.class})
final class AdaptorsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.of(ErrorKind.INVALID_ARGUMENT);
    }

    /** Which codec an adaptor belongs to; empty = the server's default codec. */
    static final class CodecOption {
        @Option(names = "--codec", defaultValue = "", description = "codec id (default: the server's default codec)")
        String codecId;
    }

    static String state(AdaptorVersion v) {
        return switch (v.getState()) {
            case LOADING -> "LOADING";
            case READY -> "READY";
            case FAILED -> "FAILED";
            default -> "?";
        };
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Each adaptor (codec, name), its versions with their state, and the active one.")
    static final class ListAdaptors implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (LicClient client = server.connect()) {
                for (AdaptorEntry a : client.listAdaptors().getAdaptorsList()) {
                    out.printf("%s  codec %s  active %s%n", a.getName(), a.getCodecId(),
                            a.getActiveVersion() == 0 ? "none" : "v" + a.getActiveVersion());
                    for (AdaptorVersion v : a.getVersionsList()) {
                        out.println(String.format("  v%-4d %-7s %-6s%s%s", v.getVersion(), state(v), v.getTask(),
                                v.getVersion() == a.getActiveVersion() ? " (active)" : "",
                                v.getReason().isEmpty() ? "" : "  " + v.getReason()).stripTrailing());
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Upload the adaptor pack in DIR; the server validates it (READY or FAILED with the reason).")
    static final class Register implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "pack folder (manifest.json and the files it lists)")
        Path dir;

        @Option(names = "--activate", description = "make it the active version once READY")
        boolean activate;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
                spec.commandLine().getErr().println("lic: INVALID_ARGUMENT: " + dir + " has no manifest.json");
                return ExitCodes.of(ErrorKind.INVALID_ARGUMENT);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (LicClient client = server.connect()) {
                RegisterResponse r = client.registerAdaptor(dir, RegisterHeader.newBuilder().setActivate(activate)
                        .build());
                AdaptorVersion v = r.getVersion();
                if (v.getState() != AdaptorState.READY) {
                    spec.commandLine().getErr().printf("lic: INVALID_PACK: %s v%d %s: %s%n", r.getName(),
                            v.getVersion(), state(v), v.getReason());
                    return ExitCodes.of(ErrorKind.INVALID_PACK);
                }
                out.printf("%s v%d READY (codec %s); active v%d%n", r.getName(), v.getVersion(), r.getCodecId(),
                        r.getActiveVersion());
            }
            return 0;
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true, description = "Make a READY version the active one.")
    static final class Activate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Mixin
        CodecOption codec;

        @Parameters(index = "0", description = "adaptor name")
        String name;

        @Parameters(index = "1", description = "version")
        int version;

        @Override
        public Integer call() {
            try (LicClient client = server.connect()) {
                client.activateAdaptor(codec.codecId, name, version);
            }
            spec.commandLine().getOut().printf("%s: active v%d%n", name, version);
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Make the previously active version active again.")
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Mixin
        CodecOption codec;

        @Parameters(index = "0", description = "adaptor name")
        String name;

        @Override
        public Integer call() {
            try (LicClient client = server.connect()) {
                int active = client.rollbackAdaptor(codec.codecId, name).getActiveVersion();
                spec.commandLine().getOut().printf("%s: active v%d%n", name, active);
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a version that is not active (requests using it finish first).")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Mixin
        CodecOption codec;

        @Parameters(index = "0", description = "adaptor name")
        String name;

        @Parameters(index = "1", description = "version")
        int version;

        @Override
        public Integer call() {
            try (LicClient client = server.connect()) {
                client.deleteAdaptor(codec.codecId, name, version);
            }
            spec.commandLine().getOut().printf("%s: deleted v%d%n", name, version);
            return 0;
        }
    }
}
