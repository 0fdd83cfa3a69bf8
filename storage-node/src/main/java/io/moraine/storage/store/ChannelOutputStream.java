package io.moraine.storage.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An OutputStream onto a FileChannel whose close() leaves the channel open: the store must still
 * fsync the channel after the frame writer has been closed.
 */
final class ChannelOutputStream extends OutputStream {
  private final FileChannel channel;

  ChannelOutputStream(FileChannel channel) {
    this.channel = channel;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  @Override
  public void close() {
    // The owner closes the channel after fsync.
  }
}
