package dev.forgebus.common.config;

import java.util.Objects;

/**
 * One thing wrong with a config file, located so that an operator can jump to it: the
 * {@code FILE:LINE: message} shape is what compilers print, so editors and CI annotate it.
 * Messages never contain a secret or a value that came from the environment.
 *
 * @param file    the file name as the user gave it
 * @param line    1-based line, or 0 when the problem concerns the whole file (cannot read it)
 * @param message what is wrong and, where possible, how to fix it
 */
public record ConfigProblem(String file, int line, String message) {

    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
