package dev.lic.core.adaptor;

/** The typed result of a {@link TaskAdaptor}: one implementation per task kind ({@link ImageOutput} for {@code image}). */
public interface AdaptorOutput {
    /** The task kind that produced it. */
    String task();
}
