package dev.lic.cli;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.util.OptionalInt;

/** The optional {@code --rate} of encode and roundtrip: absent means the codec pack's default rate. */
final class RateOption {
    private RateOption() {}

    static OptionalInt of(Integer rate) {
        if (rate == null) {
            return OptionalInt.empty();
        }
        if (rate < 0) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "--rate " + rate
                    + " is not a rate index (0 or more; lic info lists them)");
        }
        return OptionalInt.of(rate);
    }
}
