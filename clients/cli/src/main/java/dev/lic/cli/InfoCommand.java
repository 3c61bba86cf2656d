package dev.lic.cli;

import dev.lic.client.LicClient;
import dev.lic.proto.v1.AdaptorInfo;
import dev.lic.proto.v1.CodecInfo;
import dev.lic.proto.v1.DescribeResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the server's codecs, adaptors and limits.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (LicClient client = server.connect()) {
            DescribeResponse d = client.describe();
            for (CodecInfo c : d.getCodecsList()) {
                out.printf("codec   %s %s rates %s%s%n", c.getCodecId(), c.getName(), c.getRateIndexesList(),
                        c.getCodecId().equals(d.getDefaultCodecId()) ? " (default)" : "");
            }
            for (AdaptorInfo a : d.getAdaptorsList()) {
                out.printf("adaptor %s v%d task %s for codec %s%n", a.getName(), a.getVersion(), a.getTask(),
                        a.getCodecId().substring(0, 12));
            }
            out.printf("limits  %d pixels, %d image bytes, %d bitstream bytes%n", d.getLimits().getMaxPixels(),
                    d.getLimits().getMaxImageBytes(), d.getLimits().getMaxBitstreamBytes());
        }
        return 0;
    }
}
