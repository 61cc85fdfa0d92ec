package dev.gatehouse.sshproxy.sftp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * Counts the bytes through one SFTP file handle and hashes them while they arrive in order from offset 0: the hash is
 * only reported when the whole file went through (reads reached end of file; writes started a new or truncated file).
 */
final class TransferDigest {

    static final AttributeKey<TransferDigest> KEY = new AttributeKey<>();

    private final boolean wholeWrite;
    private final MessageDigest readDigest = sha256();
    private final MessageDigest writeDigest = sha256();
    private long readNext;
    private long writeNext;
    private boolean readInOrder = true;
    private boolean writeInOrder = true;
    private boolean endOfFile;
    private long bytesRead;
    private long bytesWritten;

    TransferDigest(boolean wholeWrite) {
        this.wholeWrite = wholeWrite;
    }

    synchronized void read(long offset, byte[] data, int from, int length) {
        if (length < 0) {
            endOfFile |= offset == readNext;
            return;
        }
        bytesRead += length;
        if (readInOrder && offset == readNext) {
            readDigest.update(data, from, length);
            readNext += length;
        } else {
            readInOrder = false;
        }
    }

    synchronized void written(long offset, byte[] data, int from, int length) {
        bytesWritten += length;
        if (writeInOrder && offset == writeNext) {
            writeDigest.update(data, from, length);
            writeNext += length;
        } else {
            writeInOrder = false;
        }
    }

    synchronized long bytesRead() {
        return bytesRead;
    }

    synchronized long bytesWritten() {
        return bytesWritten;
    }

    synchronized boolean sawEndOfFile() {
        return endOfFile;
    }

    synchronized String readSha256() {
        return readInOrder && endOfFile ? HexFormat.of().formatHex(readDigest.digest()) : null;
    }

    synchronized String writeSha256() {
        return writeInOrder && wholeWrite ? HexFormat.of().formatHex(writeDigest.digest()) : null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
