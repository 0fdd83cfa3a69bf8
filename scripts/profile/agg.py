"""Where a JFR recording's CPU samples went: categories by innermost known frame, thread groups,
fsync and GC pause totals (docs/performance.md). Usage: agg.py FILE.jfr..."""
import re, subprocess, sys, collections
import os
J=os.path.join(os.environ.get('JAVA_HOME','/usr/lib/jvm/temurin-25-jdk-amd64'),'bin','jfr')
CATS=[ # first match from the TOP frame down decides the sample's category (what the CPU was doing)
 ('fsync', r'FileDispatcherImpl\.force|FileChannelImpl\.force'),
 ('MD5', r'sun\.security\.provider\.(MD5|DigestBase)'),
 ('SHA-256 / HMAC (SigV4, payload hash)', r'sun\.security\.provider\.SHA|com\.sun\.crypto\.provider\.HmacCore|javax\.crypto\.Mac'),
 ('CRC32C (block frames)', r'java\.util\.zip\.CRC32C'),
 ('Reed-Solomon encode/decode', r'io\.moraine\.erasure\.ReedSolomon|jdk\.incubator\.vector'),
 ('RocksDB (JNI)', r'org\.rocksdb\.'),
 ('byte copies (arraycopy/ByteBuffer put/get)', r'System\.arraycopy|jdk\.internal\.misc\.Unsafe\.copyMemory|HeapByteBuffer\.(put|get)|DirectByteBuffer\.(put|get)|Arrays\.copyOf'),
 ('socket/epoll syscalls', r'sun\.nio\.ch\.(SocketDispatcher|IOUtil|FileDispatcherImpl\.(read|write)|EPoll)|Native\.epoll|io\.netty\.channel\.epoll\.Native|thirdparty\.io\.netty\.channel\.epoll\.Native'),
 ('file read/write syscalls', r'FileDispatcherImpl\.(pread|pwrite|read0|write0)|RandomAccessFile|FileOutputStream\.write|FileInputStream\.read'),
 ('logging', r'ch\.qos\.logback|org\.slf4j'),
 ('XML', r'javax\.xml|com\.fasterxml\.jackson\.dataformat\.xml|com\.ctc\.wstx|com\.sun\.org\.apache\.xerces'),
 ('protobuf (de)serialization', r'com\.google\.protobuf|thirdparty\.com\.google\.protobuf'),
 ('Ratis (consensus, log, ReadIndex)', r'org\.apache\.ratis\.(server|client|grpc\.server|grpc\.client|util|proto)(?!.*thirdparty)'),
 ('gRPC/Netty (shards and Raft transport)', r'io\.grpc\.|io\.netty\.|thirdparty\.io\.grpc|thirdparty\.io\.netty'),
 ('Jetty (HTTP)', r'org\.eclipse\.jetty'),
 ('ZooKeeper/Curator', r'org\.apache\.zookeeper|org\.apache\.curator'),
 ('Moraine metadata core/client', r'io\.moraine\.metadata'),
 ('Moraine storage node', r'io\.moraine\.storage'),
 ('Moraine gateway', r'io\.moraine\.gateway'),
 ('Moraine other', r'io\.moraine\.'),
 ('JDK concurrency (park/unpark, queues, CHM)', r'java\.util\.concurrent|LockSupport'),
]
CATS=[(n,re.compile(p)) for n,p in CATS]
def thread_group(name):
    return re.sub(r'[-#]?\d+', 'N', name)
def samples(f):
    out=subprocess.run([J,'print','--events','jdk.ExecutionSample','--stack-depth','96',f],capture_output=True,text=True).stdout
    for ev in out.split('jdk.ExecutionSample {')[1:]:
        m=re.search(r'sampledThread = "([^"]*)"',ev)
        frames=re.findall(r'^\s+([\w$.<>/]+\([^)]*\))\s+line:',ev,re.M)
        yield (m.group(1) if m else '?'), frames
def summary(f):
    out=subprocess.run([J,'summary',f],capture_output=True,text=True).stdout
    return out
def events(f, name, field='duration'):
    out=subprocess.run([J,'print','--events',name,f],capture_output=True,text=True).stdout
    durs=[]
    for m in re.finditer(r'duration = ([\d.]+) (ms|s|us|ns)',out):
        v=float(m.group(1)); u=m.group(2)
        durs.append(v*{'s':1000,'ms':1,'us':1e-3,'ns':1e-6}[u])
    return durs
for f in sys.argv[1:]:
    cats=collections.Counter(); threads=collections.Counter(); n=0
    for t,frames in samples(f):
        n+=1
        threads[thread_group(t)]+=1
        c='other (JDK, JIT-inlined, unknown)'
        for fr in frames:
            hit=next((name for name,p in CATS if p.search(fr)),None)
            if hit: c=hit; break
        cats[c]+=1
    print(f'## {f}: {n} CPU samples')
    print('| where the CPU went (innermost known frame) | share |'); print('|---|---|')
    for c,k in cats.most_common(12): print(f'| {c} | {100*k/n:.1f} % |')
    print('| threads (digits folded) | share |'); print('|---|---|')
    for c,k in threads.most_common(8): print(f'| {c} | {100*k/n:.1f} % |')
    ff=events(f,'jdk.FileForce'); gc=events(f,'jdk.GCPhasePause')
    print(f'fsync (jdk.FileForce >= threshold): {len(ff)} events, total {sum(ff):.0f} ms, max {max(ff) if ff else 0:.1f} ms; GC pauses: {len(gc)}, total {sum(gc):.0f} ms')
    print()
