package dev.infer.models;

/** A model directory or file that cannot be used as it is; the message names the file and the field. */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
