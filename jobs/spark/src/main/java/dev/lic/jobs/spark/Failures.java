package dev.lic.jobs.spark;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

/** The error kind and reason a row records for one input that could not be processed. */
record Failures(String kind, String reason) {
    /**
     * A codec failure keeps its kind and message (they carry no stack trace); anything else is INTERNAL
     * with the exception's class and message, so a bug in one record is listed, not fatal to the job.
     */
    static Failures of(RuntimeException e) {
        if (e instanceof LicException lic) {
            return new Failures(lic.kind().name(), lic.getMessage());
        }
        return new Failures(ErrorKind.INTERNAL.name(), e.getClass().getName() + ": " + e.getMessage());
    }
}
