/** Reading a typed confirmation from standard input. */

/** One line from a stream (the typed confirmation). */
export function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (chunk: Buffer | string) => {
      buf += chunk.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) finish(buf.slice(0, nl));
    };
    const onEnd = () => finish(buf);
    const finish = (line: string) => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.pause();
      resolve(line);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.resume();
  });
}
