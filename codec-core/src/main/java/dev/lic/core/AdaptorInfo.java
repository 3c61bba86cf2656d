package dev.lic.core;

/**
 * A loaded adaptor pack.
 *
 * @param source where it was loaded from, for people
 */
public record AdaptorInfo(String name, int version, String codecId, String task, String source) {
}
