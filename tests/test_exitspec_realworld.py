"""Every pattern of the default exit spec against real messages of the kind it names.

Where the program runs here, the message is produced by the real thing (bash and dash
for ``command not found``/``Permission denied``, CPython for its exceptions and argparse,
a real SIGSEGV reported by the shell, real deaths by SIGKILL/SIGTERM through ``finish``);
GPU, CUDA, NCCL, TensorFlow and MPI messages are written the way those libraries print
them. The last test makes sure no pattern of the default spec is left without a case.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pai_runtime.exitspec import spec
from pai_runtime.exitspec.classify import classify, normalise_exit_code
from pai_runtime.exitspec.logtail import LogTail

REPO = Path(__file__).resolve().parent.parent
DEFAULT = spec.load_file(REPO / "specs" / "runtime-exit-spec.yaml")
NOISE = "epoch 1 step 100 loss 0.52\n" * 40
#: (entry code, pattern index) of every case that matched a pattern, for the coverage test.
COVERED: set[tuple[int, int]] = set()


def real(argv: list[str], cwd: Path, stdin: str | None = None) -> tuple[int, str]:
    """Run a real program; its exit code and merged output, as the user-all log holds them."""
    r = subprocess.run(argv, cwd=cwd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=60, env={**os.environ, "LC_ALL": "C"})
    return r.returncode, r.stdout


def py(code: str, cwd: Path, *args: str) -> tuple[int, str]:
    return real([sys.executable, "-c", code, *args], cwd)


def verdict(code: int, log: str, platform: str = ""):
    v = classify(DEFAULT, normalise_exit_code(code), LogTail(data=(NOISE + log).encode(), found=True),
                 LogTail(data=platform.encode(), found=True), lambda: None)
    if v.entry is not None and v.pattern.user_log_regex is not None:
        COVERED.add((v.entry.index, v.pattern.index))
        assert v.user_span is not None
    return v


# -- produced by the real programs -------------------------------------------------------
def _script(tmp: Path, body: str) -> Path:
    p = tmp / "user.sh"
    p.write_text(body)
    return p


REAL = {
    # user.sh run by /bin/sh (dash) and by bash: "…: 1: pythn: not found" / "…: line 1: pythn: command not found"
    "dash command not found": (lambda t: real(["dash", str(_script(t, "pythn train.py\n"))], t), 220),
    "bash command not found": (lambda t: real(["bash", str(_script(t, "pythn train.py\n"))], t), 220),
    "sh -c not found": (lambda t: real(["dash", "-c", "pythn train.py"], t), 220),
    "missing script": (lambda t: real(["bash", "-c", "./nope.sh"], t), 220),
    "bash permission denied": (lambda t: real(["bash", "-c", f"{_script(t, 'x')}"], t), 220),
    "dash permission denied": (lambda t: real(["dash", "-c", f"{_script(t, 'x')}"], t), 220),
    "ModuleNotFoundError": (lambda t: py("import apex_not_installed", t), 232),
    "ImportError": (lambda t: py("from os import not_there", t), 232),
    "NameError": (lambda t: py("modle.train()", t), 231),
    "SyntaxError": (lambda t: py("if x = 1:\n  pass", t), 231),
    "IndentationError": (lambda t: py("def f():\nreturn 1", t), 231),
    "AttributeError": (lambda t: py("import os; os.no_such_thing", t), 231),
    "UnpicklingError": (lambda t: py("import pickle; pickle.loads(b'\\x80\\x04.')", t), 231),
    "IndexError": (lambda t: py("[][3]", t), 233),
    "FileNotFoundError": (lambda t: py("open('/data/imagenet/train.idx')", t), 229),
    "UnicodeDecodeError": (lambda t: py("b'\\xff\\xfe'.decode('utf-8')", t), 229),
    "EOFError pickle": (lambda t: py("import io, pickle; pickle.load(io.BytesIO(b''))", t), 229),
    "numpy-style format error": (lambda t: py("raise OSError('Failed to interpret file as a pickle; perhaps your "
                                              "file is in a different file format')", t), 229),
    "EIO": (lambda t: py("import errno, os; raise OSError(errno.EIO, os.strerror(errno.EIO), '/mnt/nfs/x')", t),
            229),
    "TypeError unexpected keyword": (lambda t: py("def f(a): pass\nf(a=1, lr=2)", t), 228),
    "TypeError multiple values": (lambda t: py("def f(a): pass\nf(1, a=2)", t), 228),
    "argparse unrecognized": (lambda t: py("import argparse; argparse.ArgumentParser(prog='train.py')"
                                           ".parse_args(['--lrr', '1'])", t), 228),
    "argparse required": (lambda t: py("import argparse; p = argparse.ArgumentParser(prog='train.py'); "
                                       "p.add_argument('--data', required=True); p.parse_args([])", t), 228),
    "argparse invalid": (lambda t: py("import argparse; p = argparse.ArgumentParser(prog='train.py'); "
                                      "p.add_argument('--lr', type=float); p.parse_args(['--lr', 'x'])", t), 228),
    "interpreter unknown option (exit 2)": (lambda t: real([sys.executable, "-Z"], t), 228),
    "getopt unknown option (exit 1)": (lambda t: real(["bash", "-c", "echo 'train: unknown option -- z'; exit 1"],
                                                      t), 228),
    "segfault as the last command": (lambda t: real(["dash", "-c", "python3 -c 'import ctypes; "
                                                     "ctypes.string_at(0)'"], t), 139),
    "segfault reported by bash, script exits 1": (lambda t: real(["bash", "-c", "python3 -c 'import ctypes; "
                                                                  "ctypes.string_at(0)'; exit 1"], t), 234),
    "segfault reported by dash, script exits 1": (lambda t: real(["dash", "-c", "python3 -c 'import ctypes; "
                                                                  "ctypes.string_at(0)'; exit 1"], t), 234),
    "plain failure": (lambda t: py("import sys; print('bad config'); sys.exit(3)", t), 255),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", list(REAL))
def test_real_program_output_against_default_spec(name, tmp_path):
    make, expected = REAL[name]
    code, out = make(tmp_path)
    assert code != 0, out
    v = verdict(code, out)
    assert v.exit_code == expected, (name, code, out[-500:], v.entry and v.entry.label())


@pytest.mark.timeout(60)
@pytest.mark.parametrize("sig, expected, phrase", [(9, 137, "ContainerSigKillReceived"),
                                                   (15, 143, "ContainerSigTermReceived")])
def test_real_death_by_signal_through_finish(sig, expected, phrase, tmp_path, monkeypatch):
    from pai_runtime.exitspec import finish
    from pai_runtime.layout import Layout

    monkeypatch.setenv("PATH", "/nonexistent")
    proc = subprocess.Popen([sys.executable, "-c", f"import os, signal; print('step 9', flush=True); "
                                                   f"os.kill(os.getpid(), {sig})"], stdout=subprocess.PIPE)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == -sig  # Popen's view; the shell's would be 128+N
    layout = Layout.from_env({"PAI_WORK_DIR": str(tmp_path / "w"), "PAI_TERMINATION_LOG": str(tmp_path / "t")})
    (layout.log_dir / "user-all").mkdir(parents=True)
    (layout.log_dir / "user-all" / "current").write_bytes(out + b"Traceback (most recent call last):\n"
                                                                b"ImportError: old and harmless\n")
    assert finish(proc.returncode, layout=layout, settings={}, runtime_log=layout.log_dir / "runtime.log") == expected
    assert phrase.encode() in (tmp_path / "t").read_bytes()


# -- written as the libraries print them -------------------------------------------------
TRACE = 'Traceback (most recent call last):\n  File "/work/train.py", line 88, in <module>\n    main()\n'
PRINTED = [
    ("torch>=2.5 CUDA OOM", 1, TRACE + "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB. "
     "GPU 0 has a total capacity of 79.15 GiB of which 6.69 MiB is free.\n", 226),
    ("torch 1.13-2.4 CUDA OOM", 1, TRACE + "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate "
     "2.00 GiB (GPU 0; 15.78 GiB total capacity; 13.10 GiB already allocated)\n", 226),
    ("torch<1 CUDA OOM", 1, "THCudaCheck FAIL file=/pytorch/aten/src/THC/generic/THCStorage.cu line=58 error=2 : "
     "out of memory\nRuntimeError: cuda runtime error (2) : out of memory at /pytorch/aten/src/THC/THCStorage.cu:58\n",
     226),
    ("CUDA error: out of memory", 1, TRACE + "RuntimeError: CUDA error: out of memory\nCUDA kernel errors might be "
     "asynchronously reported at some other API call\n", 226),
    ("driver API OOM", 1, "jax._src.traceback_util.UnfilteredStackTrace: jaxlib.xla_extension.XlaRuntimeError: "
     "RESOURCE_EXHAUSTED: Failed to allocate request for 8.00GiB; CUDA_ERROR_OUT_OF_MEMORY: out of memory\n", 226),
    ("XLA compile-time OOM, words between", 1, "jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: "
     "XLA:TPU compile permanent error. Ran out of memory in memory space hbm. Used 17.5G of 15.48G hbm.\n", 226),
    ("EPERM on data", 1, TRACE + "PermissionError: [Errno 1] Operation not permitted: '/mnt/data/ckpt/latest'\n",
     245),
    ("TF1 OOM", 1, "tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor "
     "with shape[32,1024,1024] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator "
     "GPU_0_bfc\n", 221),
    ("TF allocator warning", 1, "2024-05-01 12:00:00.1: W tensorflow/core/common_runtime/bfc_allocator.cc:479] "
     "Allocator (GPU_0_bfc) ran out of memory trying to allocate 4.00GiB (rounded to 4294967296)requested by op "
     "MatMul\n", 221),
    ("TF2 graph execution OOM", 1, "tensorflow.python.framework.errors_impl.ResourceExhaustedError: Graph execution "
     "error:\n\nDetected at node 'model/dense/MatMul' defined at (most recent call last):\n    File \"train.py\", "
     "line 9\nNode: 'model/dense/MatMul'\nOOM when allocating tensor with shape[8192,8192] and type float on "
     "/job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc\n\t [[{{node model/dense/MatMul}}]]\n"
     "Hint: If you want to see a list of allocated tensors when OOM happens, add report_tensor_allocations_upon_oom "
     "to RunOptions for current allocation info.\n", 221),
    ("CUDA ECC (runtime)", 1, TRACE + "RuntimeError: CUDA error: uncorrectable ECC error encountered\n", 223),
    ("CUDA ECC (driver API)", 1, "F0501 12:00:00 cuda_driver.cc:1203] CUDA_ERROR_ECC_UNCORRECTABLE: "
     "uncorrectable ECC error encountered\n", 223),
    ("driver too old", 1, TRACE + "RuntimeError: The NVIDIA driver on your system is too old (found version "
     "10010). Please update your GPU driver\n", 224),
    ("driver insufficient", 1, "2024 E tensorflow/stream_executor/cuda/cuda_driver.cc:271] failed call to cuInit: "
     "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH\nRuntimeError: CUDA driver version is insufficient for CUDA runtime "
     "version\n", 224),
    ("cuDNN mismatch (TF)", 1, "E tensorflow/stream_executor/cuda/cuda_dnn.cc:361] Loaded runtime CuDNN library: "
     "8.0.4 but source was compiled with: 8.1.0.\n", 225),
    ("cuDNN dropout", 1, "ValueError: dropout supported only in cudnn v5.1 and above\n", 225),
    ("cuDNN incompatibility", 1, TRACE + "RuntimeError: cuDNN version incompatibility: PyTorch was compiled "
     "against (8, 9, 2) but found runtime version (8, 5, 0).\n", 225),
    ("Open MPI segv", 1, "[node-0:01234] *** Process received signal ***\n[node-0:01234] Signal: Segmentation "
     "fault (11)\n[node-0:01234] Signal code: Address not mapped (1)\n[node-0:01234] Failing at address: 0x10\n",
     222),
    ("torchrun child SIGSEGV", 1, "torch.distributed.elastic.multiprocessing.errors.ChildFailedError:\n"
     "Root Cause (first observed failure):\n[0]:\n  exitcode  : -11 (pid: 4242)\n  traceback : Signal 11 (SIGSEGV) "
     "received by PID 4242\n", 234),
    ("mpirun child signal 11", 1, "mpirun noticed that process rank 3 with PID 0 on node worker-1 exited on signal "
     "11 (Segmentation fault).\n", 234),
    ("core dumped via launcher", 1, "bash: line 1:  4242 Aborted                 (core dumped) ./train\n", 235),
    ("TF InvalidArgumentError", 1, "tensorflow.python.framework.errors_impl.InvalidArgumentError: Incompatible "
     "shapes: [32,10] vs. [32,12]\n", 228),
    ("TF invalid save path", 1, TRACE + "ValueError: The passed save_path is not a valid checkpoint: "
     "/ckpt/model-100\n", 230),
    ("TF restore invalid path", 1, TRACE + "ValueError: Restore called with invalid save path: '/ckpt/x'. "
     "File path is: '/ckpt/x'\n", 230),
    # NCCL failures are transient (network, a peer died): never a permanent user error; a CUDA
    # out-of-memory NCCL reports is the GPU memory
    ("NCCL unhandled system error", 1, TRACE + "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/"
     "distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled system error (run with NCCL_DEBUG=INFO for details), "
     "NCCL version 2.19.3\nncclSystemError: System call (e.g. socket, malloc) or external library call failed or "
     "device error.\nLast error:\nsocketStartConnect: Connect to 10.0.0.2<43125> failed : Connection refused\n", 238),
    ("NCCL remote error", 1, "RuntimeError: NCCL communicator was aborted on rank 3. Original reason for failure "
     "was: NCCL error: remote process exited or there was a network error, NCCL version 2.18.1\nncclRemoteError: "
     "A call failed possibly due to a network error or a remote process exiting prematurely.\n", 238),
    ("NCCL unhandled cuda error", 1, "torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1275, "
     "unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.14.3\nncclUnhandledCudaError: "
     "Call to CUDA function failed.\nLast error:\nCuda failure 'out of memory'\n", 226),
    ("NCCL watchdog abort", 134, "[E ProcessGroupNCCL.cpp:475] [Rank 1] Watchdog caught collective operation "
     "timeout: WorkNCCL(SeqNum=1201, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800330 milliseconds before "
     "timing out.\nterminate called after throwing an instance of 'std::runtime_error'\n", 238),
    ("NCCL timeout then SIGTERM", 143, "NCCL WARN Net/IB : Got completion from peer 10.0.0.3<57341> with error 12\n"
     "Received SIGTERM, exiting\n", 143),
    ("OOM killer", 137, "step 1200 loss 0.12\n", 137),
    ("SIGKILL beats an old traceback", 137, TRACE + "ImportError: cannot import name 'x'\n", 137),
    ("host MemoryError", 1, TRACE + "MemoryError\n", 237),
    ("127 without the text", 127, "something else\n", 255),
    ("exit 3 with an old traceback", 3, TRACE + "ImportError: x\n", 255),
    # TensorFlow's BFC allocator warns and carries on when an allocation the caller can do
    # without fails ("The caller indicates that this is not a failure"): a plain exit 1 after
    # it is the user's own failure, not 221
    ("TF non-fatal allocator warning", 1, "2024-05-01 12:00:00.1: W tensorflow/core/common_runtime/"
     "bfc_allocator.cc:290] Allocator (GPU_0_bfc) ran out of memory trying to allocate 2.15GiB with "
     "freed_by_count=0. The caller indicates that this is not a failure, but may mean that there could be "
     "performance gains if more memory were available.\n" + TRACE + "ValueError: bad label\n", 255),
    ("TF allocator status line", 1, "Resource exhausted: Allocator (GPU_0_bfc) ran out of memory trying to "
     "allocate 1.00GiB (rounded to 1073741824). See logs for memory state.\n", 221),
    ("XLA RESOURCE_EXHAUSTED with a prefix", 1, "jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: "
     "Error allocating device buffer: Attempting to allocate 8.00G. That was not possible. There are 2.1G free.; "
     "(0x0x0_HBM0): out of memory\n", 226),
    ("XLA RESOURCE_EXHAUSTED not memory", 1, TRACE + "ValueError: RESOURCE_EXHAUSTED: too many open handles"
     " in the queue\n", 255),
    ("EPERM on a data dir", 1, TRACE + "PermissionError: [Errno 1] Operation not permitted: '/data/train'\n", 245),
    ("EPERM from os.chown", 1, TRACE + "OSError: [Errno 1] Operation not permitted: '/mnt/out/ckpt'\n", 245),
    # a launcher's words for its worker's status 128+N (Horovod, mpirun's table, subprocess)
    ("mpirun table: a rank exited 137", 137, "mpirun detected that one or more processes exited with non-zero "
     "status, thus causing\nthe job to be terminated. The first process to do so was:\n\n  Process name: "
     "[[29973,1],0]\n  Exit code:    137\n", 237),
    ("horovodrun: a worker exited 134", 1, "Process 2 exit with status code 134.\n" + TRACE
     + "RuntimeError: Horovod detected that one or more processes exited with non-zero status\n", 134),
    ("status 137 text on a SIGTERM", 143, "Process 0 exit with status code 137.\n", 143),
    ("exit code 1370 is not 137", 1, "worker 3 finished, Exit code: 1370\n" + TRACE + "KeyError: 'x'\n", 255),
    # accelerator memory in XLA's other words; gRPC's RESOURCE_EXHAUSTED is not memory
    ("gRPC message too large", 1, TRACE + "grpc._channel._InactiveRpcError: status = StatusCode.RESOURCE_EXHAUSTED"
     "\nRESOURCE_EXHAUSTED: Received message larger than max (52428800 vs. 4194304)\n", 255),
    ("XLA OOM text on a SIGTERM", 143, "E xla_util.cc:88] Resource exhausted: Failed to allocate request for "
     "32.00MiB (33554432B) on device ordinal 0\n", 143),
    # cuDNN/cuBLAS: TensorFlow's wordings, its fatal CHECK (abort), and what is not a failure
    ("TF cudnn handle then abort", 134, "E tensorflow/stream_executor/cuda/cuda_dnn.cc:329] Could not create cudnn "
     "handle: CUDNN_STATUS_INTERNAL_ERROR\nAborted (core dumped)\n", 241),
    ("cuDNN words in a plain abort's log", 134, "I0501 cudnn_conv_algorithm_picker: cuDNN version 8.9.2 loaded\n"
     "terminate called after throwing an instance of 'std::logic_error'\n", 134),
    ("TF loads cuBLAS and cuDNN", 1, "I tensorflow/stream_executor/platform/default/dso_loader.cc:53] "
     "Successfully opened dynamic library libcublas.so.11\nI tensorflow/stream_executor/cuda/cuda_dnn.cc:384] "
     "Loaded cuDNN version 8100\n" + TRACE + "KeyError: 'image'\n", 255),
    # a checkpoint that loads with a warning is not corrupt
    ("transformers unused-weights warning", 1, "Some weights of the model checkpoint at bert-base-uncased were not "
     "used when initializing BertModel: ['cls.predictions.bias']\n- This IS expected if you are initializing "
     "BertModel from the checkpoint of a model trained on another task\n" + TRACE + "KeyError: 'label'\n", 255),
    # a diverged run's guards, not the loss scaler's routine skipped steps
    ("apex and DeepSpeed skipped steps", 1, "Gradient overflow.  Skipping step, loss scaler 0 reducing loss scale "
     "to 32768.0\n[deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 65536, reducing to 32768\n"
     + TRACE + "KeyError: 'input_ids'\n", 255),
    ("Megatron NaN forward loss", 1, "AssertionError: Rank 0: found NaN in local forward loss calculation. "
     "Device: 0, node: worker-0\n", 244),
    # a worker's SIGBUS through its launcher (shared memory); advice about it is not one
    ("torchrun child SIGBUS", 1, "torch.distributed.elastic.multiprocessing.errors.ChildFailedError:\n"
     "[0]:\n  exitcode  : -7 (pid: 4242)\n  traceback : Signal 7 (SIGBUS) received by PID 4242\n", 135),
    ("shm advice is not a SIGBUS", 1, "WARNING: /dev/shm is 64M; DataLoader workers may be killed by signal Bus "
     "error if it fills\n" + TRACE + "KeyError: 'x'\n", 255),
    # loky names its workers' exit codes; its "could be caused by a segmentation fault" is a guess
    ("loky worker exited 1", 1, "joblib.externals.loky.process_executor.TerminatedWorkerError: A worker process "
     "managed by the executor was unexpectedly terminated. This could be caused by a segmentation fault while "
     "calling the function or by an excessive memory usage causing the Operating System to kill the worker. The "
     "exit codes of the workers are {EXIT(1)}\n", 255),
    ("loky worker SIGSEGV", 1, "joblib.externals.loky.process_executor.TerminatedWorkerError: A worker process "
     "managed by the executor was unexpectedly terminated. This could be caused by a segmentation fault while "
     "calling the function or by an excessive memory usage causing the Operating System to kill the worker.\n\n"
     "The exit codes of the workers are {SIGSEGV(-11)}\n", 234),
    ("loky worker SIGABRT", 1, "joblib.externals.loky.process_executor.TerminatedWorkerError: A worker process "
     "managed by the executor was unexpectedly terminated. The exit codes of the workers are {SIGABRT(-6)}\n", 134),
    ("Fatal Python error: Segmentation fault", 1, "Fatal Python error: Segmentation fault\n\nCurrent thread "
     "0x00007f (most recent call first):\n", 234),
    # NCCL's own socket/bootstrap warnings are the collective's failure; its benign warnings are not
    ("NCCL WARN connect refused", 1, "node-1:57:88 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to "
     "10.0.0.2<43125> failed : Connection refused\nnode-1:57:88 [0] NCCL INFO bootstrap.cc:246 -> 6\n", 238),
    ("NCCL WARN without libibverbs", 1, "node-1:57:57 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open "
     "libibverbs.so[.1]\n" + TRACE + "KeyError: 'labels'\n", 255),
    ("TCPStore should-dump warning", 1, "[rank1]:[W1229 ProcessGroupNCCL.cpp:1662] [PG ID 0 PG GUID 0 Rank 1] "
     "Failed to check the \"should dump\" flag on TCPStore, (maybe TCPStore server has shut down too early), "
     "with error: Broken pipe\n" + TRACE + "ValueError: bad batch\n", 255),
    # the c10d store before NCCL: a rendezvous failure; the store barrier's progress line is not one
    ("store-barrier wait is progress", 1, "Waiting in store based barrier to initialize process group for rank: 0, "
     "key: store_based_barrier_key:1 (world_size=4, worker_count=2, timeout=0:30:00)\n" + TRACE
     + "KeyError: 'img'\n", 255),
    ("a worker's SIGKILL before the store timeout it causes", 1, "RuntimeError: [1] is setting up NCCL "
     "communicator and retrieving ncclUniqueId from [0] via c10d key-value store by key '0', but store->get('0') "
     "got error: Socket Timeout\n[0]:\n  exitcode  : -9 (pid: 4242)\n", 237),
    # a cloud store's 403 on data; a 404 is a missing object, not a permission
    ("S3 404 is not a permission", 1, TRACE + "botocore.exceptions.ClientError: An error occurred (404) when calling "
     "the HeadObject operation: Not Found\n", 255),
    ("Go's lower-case ENOSPC", 1, "Error: failed to copy files: write /workspace/out/model.bin: no space left on "
     "device\n", 242),
    # GPU memory that ends in an abort is the memory; Caffe's failed check with exit 1 too
    ("uncaught CUDA OOM aborts", 134, "terminate called after throwing an instance of 'c10::OutOfMemoryError'\n"
     "  what():  CUDA out of memory. Tried to allocate 2.00 GiB\n", 226),
    ("Caffe OOM check, exit 1", 1, "F0101 syncedmem.cpp:56] Check failed: error == cudaSuccess (2 vs. 0)  out of "
     "memory\n", 226),
    ("DeepSpeed launcher, worker SIGBUS", 249, "[ERROR] [launch.py:434:sigkill_handler] ['/usr/bin/python3', '-u', "
     "'train.py', '--local_rank=0'] exits with return code = -7\n", 135),
    ("accelerate over DeepSpeed, worker SIGBUS", 1, "[ERROR] [launch.py:434:sigkill_handler] ['python', 'train.py'] "
     "exits with return code = -7\n" + TRACE + "subprocess.CalledProcessError: Command '['deepspeed', 'train.py']' "
     "returned non-zero exit status 249.\n", 135),
    ("DeepSpeed launcher, worker SIGABRT", 250, "[ERROR] [launch.py:434:sigkill_handler] ['/usr/bin/python3', '-u', "
     "'train.py', '--local_rank=0'] exits with return code = -6\n", 134),
    # precedence and benign look-alikes: a healthy run's c10d IPv6 retry warning, TensorFlow's stream executor
    # trying an allocation it then shrinks, NCCL falling back from IB to sockets, llama.cpp's mlock warning,
    # scikit-learn's input check: none of them decides the code
    ("c10d IPv6 retry warning, then an IndexError", 1, "[W socket.cpp:697] [c10d] The client socket has failed to "
     "connect to [localhost]:29500 (errno: 97 - Address family not supported by protocol).\n" + TRACE
     + "IndexError: list index out of range\n", 233),
    ("TF's shrinking allocation, then an NCCL failure", 1, "E tensorflow/stream_executor/cuda/cuda_driver.cc:806] "
     "failed to allocate 3.23G (3470458880 bytes) from device: CUDA_ERROR_OUT_OF_MEMORY: out of memory\n"
     "E tensorflow/stream_executor/cuda/cuda_driver.cc:1002] failed to alloc 17179869184 bytes on host: "
     "CUDA_ERROR_OUT_OF_MEMORY: out of memory\n" + TRACE + "RuntimeError: NCCL error in: ../torch/lib/c10d/"
     "ProcessGroupNCCL.cpp:825, unhandled system error, NCCL version 2.7.8\n", 238),
    ("old NCCL error wording", 1, TRACE + "RuntimeError: NCCL Error 2: unhandled system error\n", 238),
    ("Horovod's ncclCommInitRank failure", 1, TRACE + "horovod.common.exceptions.HorovodInternalError: "
     "ncclCommInitRank failed: unhandled system error\n", 238),
    ("NCCL's IB fallback is not a failure", 1, "node1:12:12 [0] NCCL INFO NET/IB : No device found.\n"
     "node1:12:12 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.2<0>\n" + TRACE + "KeyError: 'label'\n", 255),
    ("llama.cpp's mlock warning is not host OOM", 1, "warning: failed to mlock 245760-byte buffer (after previously "
     "locking 0 bytes): Cannot allocate memory\n" + TRACE + "KeyError: 'label'\n", 255),
    ("scikit-learn's NaN input check is not divergence", 1, TRACE + "ValueError: Input contains NaN, infinity or a "
     "value too large for dtype('float64').\n", 255),
    ("TF estimator's divergence message", 1, "ERROR:tensorflow:Model diverged with loss = NaN.\n" + TRACE
     + "tensorflow.python.training.basic_session_run_hooks.NanLossDuringTrainingError: NaN loss during training.\n",
     244),
    ("torch<=1.8 store connect timeout", 1, TRACE + "RuntimeError: connect() timed out. Original timeout was "
     "1800000 ms.\n", 239),
    ("runpy on Python 3.4-3.6, python -m with a file name", 1, "/usr/bin/python3: Error while finding spec for "
     "'train.py' (<class 'AttributeError'>: 'module' object has no attribute '__path__')\n", 232),
    ("Ray-wrapped keyword error", 1, "ray.exceptions.RayTaskError(TypeError): ray::Worker.__init__() (pid=4242, "
     "ip=10.0.0.3) got an unexpected keyword argument 'num_gpus'\n", 228),
    ("safetensors header error without the class name", 1, TRACE + "Exception: Error while deserializing header: "
     "HeaderTooLarge\n", 243),
    ("a 4 KiB torch checkpoint", 1, TRACE + "RuntimeError: PytorchStreamReader failed locating file data.pkl: file "
     "not found\n", 243),
    ("torch.jit.load of a file that is not TorchScript is not a corrupt checkpoint", 1, TRACE + "RuntimeError: "
     "PytorchStreamReader failed locating file constants.pkl: file not found\n", 255),
    ("TGI warmup, total tokens", 1, "Error: Warmup(Generation(\"Not enough memory to handle 16000 total tokens with "
     "4096 prefill tokens. You need to decrease `--max-batch-total-tokens` or `--max-batch-prefill-tokens`\"))\n", 226),
    # families by structure (docs/exit-spec.md "Order"), and the look-alikes they must not catch
    ("a TypeError that is no call-signature error", 1, TRACE + "TypeError: expected str, bytes or os.PathLike "
     "object, not NoneType\n", 255),
    ("a subscript TypeError", 1, TRACE + "TypeError: 'NoneType' object is not subscriptable\n", 255),
    ("keyword-only argument missing (Python 3)", 1, TRACE + "TypeError: Trainer.__init__() missing 1 required "
     "keyword-only argument: 'args'\n", 228),
    ("Python 2's argument count", 1, TRACE + "TypeError: __init__() takes exactly 3 arguments (2 given)\n", 228),
    ("an IndexError with any message is an index out of range", 1, TRACE + "IndexError: tuple index out of range\n",
     233),
    ("NCCL's error trail at INFO level", 1, "node1:12:40 [0] NCCL INFO transport/net_socket.cc:412 -> 2\n"
     "node1:12:40 [0] NCCL INFO init.cc:1190 -> 2\n" + TRACE + "RuntimeError: Tried to join the thread\n", 238),
    ("NCCL's trail of a CUDA OOM is GPU memory", 1, "node1:12:40 [0] NCCL WARN Cuda failure 'out of memory'\n"
     "node1:12:40 [0] NCCL INFO init.cc:1190 -> 1\n", 226),
    ("the watchdog's frames after an uncorrectable ECC error are the GPU", 134, "terminate called after throwing an "
     "instance of 'c10::DistBackendError'\n  what():  [PG 0 Rank 0] Process group watchdog thread terminated with "
     "exception: CUDA error: uncorrectable ECC error encountered\nframe #2: c10d::ProcessGroupNCCL::watchdogHandler()"
     " + 0x1 (0x1 in libtorch_cuda.so)\n", 223),
    ("the watchdog reporting an illegal memory access is the kernel fault", 134, "terminate called after throwing an "
     "instance of 'c10::DistBackendError'\n  what():  [PG 0 Rank 0] Process group watchdog thread terminated with "
     "exception: CUDA error: an illegal memory access was encountered\n", 240),
    ("a rank's CUDA OOM beats the store warnings of the ranks that lost it", 1, TRACE + "torch.OutOfMemoryError: "
     "CUDA out of memory. Tried to allocate 2.00 GiB.\n[rank1]:[W TCPStore.cpp:125] [c10d] recvValue failed on "
     "SocketImpl(fd=5, addr=[n1]:1, remote=[n0]:29500): Connection reset by peer\n", 226),
    ("a rank's missing file beats the store warnings too", 1, TRACE + "FileNotFoundError: [Errno 2] No such file or "
     "directory: 'data/train.json'\n[rank1]:[W TCPStore.cpp:125] [c10d] recvValue failed on SocketImpl(fd=5): "
     "Connection reset by peer\n", 229),
    ("Horovod's shutdown on the other ranks after one rank's missing file is the missing file", 1, TRACE
     + "FileNotFoundError: [Errno 2] No such file or directory: 'data/x.tfrecord'\nW op_kernel.cc:1318] OP_REQUIRES "
     "failed at mpi_ops.cc:422 : Aborted: Horovod has been shut down. This was caused by an exception on one of the "
     "ranks or an attempt to allreduce\n", 229),
    ("a trainer skipping a NaN batch is no divergence", 1, "WARNING: NaN loss detected, skipping this batch\n" + TRACE
     + "KeyError: 'input_ids'\n", 255),
    ("a loss guard that stops on NaN is", 1, "NaN detected in loss function, aborting training. Job failed!\n", 244),
    ("a handled FileNotFoundError printed earlier, then the IndexError that ended the run", 1, TRACE
     + "FileNotFoundError: [Errno 2] No such file or directory: 'optional.yaml'\nusing defaults\n" + TRACE
     + "IndexError: list index out of range\n", 233),
    ("an ImportError warning traceback, then a call with a wrong keyword", 1, TRACE + "ImportError: cannot import "
     "name 'xformers'\nfalling back\n" + TRACE + "TypeError: Trainer.__init__() got an unexpected keyword argument "
     "'tokenizer'\n", 228),
    ("python -m's line behind a rank prefix", 1, "[rank0]: /usr/bin/python3: No module named torch.distributed.run\n",
     232),
    ("a missing script behind a host prefix", 2, "worker-0: python: can't open file 'train.py': [Errno 2] No such "
     "file or directory\n", 220),
    ("Open MPI's handler alone is the MPI segfault", 1, "[node:123] *** Process received signal ***\n[node:123] "
     "Signal: Segmentation fault (11)\n[node:123] Signal code: Address not mapped (1)\n", 222),
    ("the launcher's report of the rank's segfault decides over the handler's lines", 1, "[node:123] Signal: "
     "Segmentation fault (11)\n[node:123] Signal code: Address not mapped (1)\nmpirun noticed that process rank 0 "
     "with PID 123 on node n exited on signal 11 (Segmentation fault).\n", 234),
    ("the old TCPStore constructor timing out under the env:// handler", 1, TRACE + '  File "/x/torch/distributed/'
     'rendezvous.py", line 143, in _env_rendezvous_handler\n    store = TCPStore(master_addr, master_port, '
     'world_size, start_daemon)\nRuntimeError: Connection timed out\n', 239),
    ("a FileNotFoundError without errno is still a missing input", 1, TRACE + "FileNotFoundError: Couldn't find a "
     "dataset script at /data/x/x.py or any data file in the same directory.\n", 229),
    ("vLLM V1's engine core SIGKILLed (multiprocessing's exit code -9)", 1, TRACE + "RuntimeError: Engine core "
     "initialization failed. See root cause above. Failed core proc(s): {'EngineCore_0': -9}\n", 237),
    ("vLLM V1's engine core that exited 1 is no host OOM", 1, TRACE + "RuntimeError: Engine core initialization "
     "failed. See root cause above. Failed core proc(s): {'EngineCore_0': 1}\n", 255),
    ("JAX that cannot fall back: CUDA older than its build", 1, TRACE + "RuntimeError: Unable to initialize backend "
     "'cuda': Found CUDA version 12010, but JAX was built against version 12020, which is newer. The copy of CUDA "
     "that is installed must be at least as new as the version against which JAX was built.\n", 224),
    ("JAX's fallback warning decides nothing", 1, "CUDA backend failed to initialize: Found cuDNN version 8600, "
     "but JAX was built against version 8906, which is newer. (Set TF_CPP_MIN_LOG_LEVEL=0 and rerun for more "
     "info.)\n" + TRACE + "KeyError: 'label'\n", 255),
    ("LightGBM's OpenCL CL_OUT_OF_HOST_MEMORY is host memory", 1, TRACE + "lightgbm.basic.LightGBMError: Out of Host "
     "Memory\n", 237),
    # a program's shell that cannot find what it runs: the cause when the program fails right after it or the missing
    # command is a launcher; a probe's not-found line long before an unrelated failure decides nothing
    ("a probe's missing nvidia-smi, then an unrelated KeyError", 1, "sh: 1: nvidia-smi: not found\n"
     + "".join(f"step {i} loss=0.5\n" for i in range(10)) + TRACE + "KeyError: 'label'\n", 255),
    ("a probe's missing nvidia-smi, then GPU memory", 1, "sh: 1: nvidia-smi: not found\n" + TRACE
     + "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n", 226),
    ("bash's missing torchrun inside a job script", 1, "/bin/sh: line 1: torchrun: command not found\n", 220),
    ("zsh's missing deepspeed", 1, "zsh: command not found: deepspeed\n", 220),
    ("a launcher's child that exited 127", 1, TRACE + "subprocess.CalledProcessError: Command 'torchrun "
     "--nproc_per_node 8 train.py' returned non-zero exit status 127.\n", 220),
    ("a launcher's child the dynamic loader could not start", 1, "./bin/infer: error while loading shared libraries: "
     "libcudart.so.11.0: cannot open shared object file: No such file or directory\n" + TRACE
     + "subprocess.CalledProcessError: Command './bin/infer' returned non-zero exit status 127.\n", 232),
    ("Go's exec of a runner killed by SIGFPE", 1, "Error: llama runner process has terminated: signal: floating point "
     "exception (core dumped)\n", 136),
    ("Go's exec of a runner that aborted after running out of GPU memory", 1, "CUDA error: out of memory\n  current "
     "device: 0, in function ggml_cuda_pool_malloc\nError: llama runner process has terminated: signal: aborted "
     "(core dumped)\n", 226),
    ("DeepSpeed launcher, worker SIGILL", 252, "[ERROR] [launch.py:434:sigkill_handler] ['/usr/bin/python3', '-u', "
     "'train.py', '--local_rank=0'] exits with return code = -4\n", 132),
    ("DeepSpeed launcher, worker SIGFPE", 248, "[ERROR] [launch.py:434:sigkill_handler] ['/usr/bin/python3', '-u', "
     "'train.py', '--local_rank=0'] exits with return code = -8\n", 136),
    ("torchrun's worker SIGILL", 1, "torch.distributed.elastic.multiprocessing.errors.ChildFailedError:\n  exitcode  "
     ": -4 (pid: 1234)\n", 132),
    ("Go's exec of a runner that died of SIGBUS", 1, "Error: llama runner process has terminated: signal: bus error "
     "(core dumped)\n", 135),
    # Ray's list of what may have killed a worker is a guess, not a diagnosis: neither host memory nor a segfault
    ("Ray's potential root causes of a dead actor", 1, "ray.exceptions.RayActorError: The actor died unexpectedly "
     "before finishing this task.\nThe actor is dead because its worker process has died. Worker exit type: "
     "SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file. There "
     "are some potential root causes. (1) The process is killed by SIGKILL by OOM killer due to high memory usage. "
     "(2) ray stop --force is called. (3) The worker is crashed unexpectedly due to SIGSEGV or other unexpected "
     "errors.\n", 255),
    # an audit's benign lines (review 15fp): each was deciding a failure that ended otherwise
    ("node's inotify limit is no full disk (gatsby#14789)", 1, "Error: ENOSPC: System limit for number of file "
     "watchers reached, watch '/app/node_modules/jest'\n  errno: -28,\n  code: 'ENOSPC',\n", 255),
    ("NCCL's informational GID table change (nccl#394), then a ValueError", 1, "node1:73:73 [0] transport/net_ib.cc:73 "
     "NCCL WARN NET/IB : Got async event : GID table change\n" + TRACE + "ValueError: bad shape\n", 255),
    ("NCCL's IB completion error still is the collective", 1, "H100-2:19989:20082 [1] transport/net_ib.cc:1295 NCCL "
     "WARN NET/IB : Got completion from peer fe80::1%ib0<53249> with error 4, opcode 32564, len 32564, vendor err 81 "
     "(Send)\n" + TRACE + "torch.distributed.DistBackendError: NCCL communicator was aborted\n", 238),
    ("the Hub's 401 for a repository that does not exist (AnimateDiff#114)", 1, "requests.exceptions.HTTPError: 401 "
     "Client Error: Unauthorized for url: https://huggingface.co/None/resolve/main/tokenizer/vocab.json\n" + TRACE
     + "huggingface_hub.utils._errors.RepositoryNotFoundError: 401 Client Error. (Request ID: Root=1-x)\n"
     "OSError: None is not a local folder and is not a valid model identifier listed on "
     "'https://huggingface.co/models'\n", 229),
    ("the Hub's 401 alone (starcoder#1) is a permission", 1, "requests.exceptions.HTTPError: 401 Client Error: "
     "Unauthorized for url: https://huggingface.co/bigcode/starcoder/resolve/main/tokenizer_config.json\n", 245),
    ("matplotlib's cache-dir fallback warning, then a KeyError (blueapi#857)", 1, "mkdir -p failed for path "
     "/.config/matplotlib: [Errno 13] Permission denied: '/.config'\nMatplotlib created a temporary cache directory at "
     "/tmp/matplotlib-x because the default path (/.config/matplotlib) is not a writable directory\n" + TRACE
     + "KeyError: 'label'\n", 255),
    ("pip's OSError Errno 13 still is a permission", 1, "ERROR: Could not install packages due to an OSError: "
     "[Errno 13] Permission denied: '/usr/lib/python3/dist-packages/x'\n", 245),
    ("benign warnings only", 1, "UserWarning: The given NumPy array is not writable\nwarnings.warn(\n"
     "FutureWarning: `torch.cuda.amp.GradScaler(args...)` is deprecated.\n" + TRACE + "KeyError: 'label'\n",
     255),
]


@pytest.mark.parametrize("name, code, log, expected", PRINTED, ids=[c[0] for c in PRINTED])
def test_library_messages_against_default_spec(name, code, log, expected):
    v = verdict(code, log)
    assert v.exit_code == expected, (name, v.entry and v.entry.label())


def test_ssh_barrier_timeout_maps_to_249():
    v = verdict(10, "waiting\n", "2024 [pai-runtime] precommands: SSH barrier reaches max retry count, exit\n")
    assert (v.exit_code, v.phrase) == (249, "PAIRuntimeSSHBarrierTimeout")


def test_every_pattern_of_the_default_spec_has_a_real_case(tmp_path):
    """Runs last in this module (pytest keeps file order): every regex pattern was hit."""
    if not COVERED:  # run alone (-k): fill the table first
        for i, (make, _) in enumerate(REAL.values()):
            (tmp_path / str(i)).mkdir()
            verdict(*make(tmp_path / str(i)))
        for _, code, log, _ in PRINTED:
            verdict(code, log)
    from tests.test_exitspec_corpus import CASES, load
    from tests.test_exitspec_realprograms import PROGRAMS

    for path in CASES:  # the real failures copied from public threads count too
        case = load(path)
        verdict(int(case["exit-code"]), case["body"])
    for i, (produce, _) in enumerate(PROGRAMS.values()):  # and the real programs of the new families
        (tmp_path / f"p{i}").mkdir()
        verdict(*produce(tmp_path / f"p{i}"))
    wanted = {(e.index, p.index) for e in DEFAULT.entries for p in e.patterns if p.user_log_regex is not None}
    assert wanted - COVERED == set(), f"(entry, pattern) without a real case: {sorted(wanted - COVERED)}"
