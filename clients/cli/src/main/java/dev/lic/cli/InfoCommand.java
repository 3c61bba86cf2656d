package dev.lic.cli;

import dev.lic.proto.v1.AdaptorInfo;
import dev.lic.proto.v1.CodecInfo;
import dev.lic.proto.v1.DescribeResponse;
import dev.lic.proto.v1.RateInfo;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the codecs (with their rates), adaptors and limits of the server, or of this build with --offline.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backend;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DescribeResponse d;
        try (Backend b = backend.open()) {
            d = b.describe();
        }
        for (CodecInfo c : d.getCodecsList()) {
            boolean isDefault = c.getCodecId().equals(d.getDefaultCodecId());
            out.printf("codec   %s %s%s%n", c.getCodecId(), c.getName(),
                    isDefault ? " (default for encoding)" : " (decoding only)");
            for (RateInfo r : c.getRatesList()) {
                out.println("        " + rateLine(r, isDefault && r.getIndex() == c.getDefaultRateIndex()));
            }
        }
        for (AdaptorInfo a : d.getAdaptorsList()) {
            out.printf("adaptor %s v%d task %s for codec %s%n", a.getName(), a.getVersion(), a.getTask(),
                    a.getCodecId().substring(0, 12));
        }
        out.printf("limits  %d pixels, %s image bytes, %d bitstream bytes%n", d.getLimits().getMaxPixels(),
                d.getLimits().getMaxImageBytes() == 0 ? "any number of" : Integer.toString(d.getLimits().getMaxImageBytes()),
                d.getLimits().getMaxBitstreamBytes());
        return 0;
    }

    /** {@code rate 3  lambda 0.0034  ~0.38 bpp  29.4 dB (Kodak)}; numbers the pack does not give (0) are left out. */
    static String rateLine(RateInfo r, boolean isDefault) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "rate %d", r.getIndex()));
        if (r.getLambda() > 0) {
            // Three significant digits, no trailing zeros: 0.0034, not 0.003400.
            line.append("  lambda ").append(new BigDecimal(r.getLambda()).round(new MathContext(3))
                    .stripTrailingZeros().toPlainString());
        }
        if (r.getKodakBpp() > 0 && r.getKodakPsnr() > 0) {
            line.append(String.format(Locale.ROOT, "  ~%.2f bpp  %.1f dB (Kodak)", r.getKodakBpp(), r.getKodakPsnr()));
        } else if (r.getKodakBpp() > 0) {
            line.append(String.format(Locale.ROOT, "  ~%.2f bpp (Kodak)", r.getKodakBpp()));
        }
        return isDefault ? line.append("  (default)").toString() : line.toString();
    }
}
