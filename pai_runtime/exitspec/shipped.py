# ruff: noqa: E501
"""The shipped exit spec, precompiled. GENERATED from specs/runtime-exit-spec.yaml by ``make exit-spec``
(pai_runtime/exitspec/precompile.py): do not edit; ``make test`` fails while it is stale.

Init installs these values instead of loading the spec only when the spec it would
install is byte for byte the file they come from (see ``install_spec`` in exitspec/__init__.py).
"""

#: the spec file's size and SHA-256; its bytes are ``b"".join(SOURCE_LINES)``
SOURCE_SIZE = 75658
SOURCE_SHA256 = 'ebcce259be5f5cdcc5b0fd5b1a9f8a89d3937b92650587505f15601ce1ea690d'
SOURCE_LINES = (
    b'# pai-runtime default runtime exit spec (OpenPAI runtime format; docs/exit-spec.md).\n',
    b'#\n',
    b"# Codes 128, 130-143 and 220-236, 249-255 and their phrases are OpenPAI's job exit spec (runtime\n",
    b"# range, meanings kept); 237-245 and 129 (SIGHUP) are pai-runtime's additions inside that range; the patterns\n",
    b'# are ours. Entries are tried in file order and the first match wins; patterns inside an\n',
    b"# entry are OR'ed, the fields of a pattern AND'ed; an absent field matches anything. Regexes\n",
    b"# are RE2 (Go) syntax, searched in the last 10 MiB of this attempt's log; the latest match\n",
    b"# is reported. No match: 255 (PAIRuntimeUnknownFailed, retried up to the job's retry count),\n",
    b"# or the user's own code with `passThroughExitCodes` (docs/exit-spec.md).\n",
    b'#\n',
    b'# `behavior` is OpenPAI\'s "rerun behavior" (TRANSIENT: a retry can help; TRANSIENT_CONFLICT:\n',
    b'# retry after a back-off; PERMANENT: the same input fails the same way; UNKNOWN: retry up\n',
    b"# to the job's limit). It reaches the termination message and `classify --json` as\n",
    b"# `behavior` and `retry: transient|permanent|unknown`. OpenPAI's value is kept for its codes.\n",
    b'#\n',
    b'# Design choices (see docs/exit-spec.md "The default spec"):\n',
    b'# - a hardware fault comes first, even when the process then aborted or segfaulted: the\n',
    b'#   abort is the consequence, the GPU the cause (and a retry on another node can help);\n',
    b"# - then what a launcher or the NCCL watchdog says about a worker's death by signal when\n",
    b"#   the container's own code is that signal (mpirun exits 137 when a rank was SIGKILLed);\n",
    b"# - then the container's own death by signal: it says more than any other text in the log;\n",
    b'# - every user-log pattern carries the exit code the failing program really exits with\n',
    b"#   (1 for an uncaught Python exception or torchrun's ChildFailedError, 2 for argparse,\n",
    b"#   134 for an abort, 247 for DeepSpeed's launcher reporting -9), so a harmless line of\n",
    b'#   this attempt cannot turn an unrelated failure (a SIGTERM from the kubelet) into a\n',
    b'#   permanent one;\n',
    b'# - root causes before their symptoms: GPU memory before CUDA library and kernel errors,\n',
    b"#   a worker's SIGKILL before the NCCL errors of the ranks that lost it, the watchdog\n",
    b'#   before the SIGABRT it sends, disk full before the truncated checkpoint it leaves;\n',
    b'# - a NCCL error anywhere in this attempt beats the SIGABRT it ends in (the 134 pattern of 238 is the\n',
    b'#   exit-1 pattern, by the YAML anchor &collective), as a GPU fault does;\n',
    b"# - a launcher's report of a worker's signal N maps to that signal's code (9: 237, 6: 134, 7: 135,\n",
    b"#   11: 234); a launcher's report of a rank's segfault decides over Open MPI's handler lines (222);\n",
    b'# - user-code errors by exception class, whatever the message (IndexError: 233, FileNotFoundError: 229,\n',
    b'#   NameError and UnboundLocalError: 231, ImportError: 232, call-signature TypeErrors: 228,\n',
    b"#   FloatingPointError: 244), as OpenPAI's codes name them;\n",
    b"# - symptoms last: the c10d store's warnings that its connection broke are the very last entry;\n",
    b'# - Python exception names are matched case-sensitively as Python prints them;\n',
    b'# - entries with `patterns: []` never match; they name codes the runtime issues itself\n',
    b'#   (236 when the running threshold is exceeded, 250-254 from the init container).\n',
    b'\n',
    b'# [1,128] involuntary failures caused by hardware\n',
    b'- containerExitCode: 128\n',
    b'  phrase: ContainerMayFailDueToGpuDeviceEccError\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'a GPU of this node reports double-bit (uncorrectable) ECC errors'\n",
    b'  patterns:\n',
    b'  - {gpuInfo: {nvidiaDoubleEccError: true}}\n',
    b"# A hardware fault first: a GPU's uncorrectable ECC error that ends in an abort is the GPU.\n",
    b'- containerExitCode: 223\n',
    b'  phrase: ContainerCudaUncorrectableECCError\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'the GPU reported an uncorrectable hardware error (ECC, NVLink) or fell off the bus (a hardware fault)'\n",
    b'  patterns:\n',
    b"  # driver API name and the CUDA runtime's text for cudaErrorECCUncorrectable and its NVLink twin; the driver's and\n",
    b'  # nvidia-smi\'s words for a GPU that fell off the bus ("NVRM: Xid (PCI:0000:06:00): 79, GPU has fallen off the bus.",\n',
    b'  # "Unable to determine the device handle for GPU 0000:02:00.0: GPU is lost. Reboot the system to recover this GPU")\n',
    b'  # and the Xid codes of uncorrectable memory/NVLink errors; torch_npu\'s uncorrectable HBM error on Ascend ("UCE ERROR",\n',
    b'  # "reason=[device mem error]", "reason=[hbm Multi-bit ECC error]"). Whatever the process did next (a Python\n',
    b"  # exception: 1, glog's LOG(FATAL) or std::terminate: SIGABRT, 134)\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?i)(?:CUDA_ERROR_ECC_UNCORRECTABLE|uncorrectable ECC error encountered|cudaErrorECCUncorrectable|uncorrectable NVLink error|CUDA_ERROR_NVLINK_UNCORRECTABLE|cudaErrorNvlinkUncorrectable|GPU has fallen off the bus|GPU is lost\\. Reboot the system|Unable to determine the device handle for GPU ?[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.\\d: (?:GPU is lost|Unknown Error)|\\bXid \\([^)\\n]*\\): (?:48|64|74|79|94|95)\\b|hbm Multi-bit ECC error|reason=\\[?(?:suspect )?device mem error|\\bUCE ERROR\\b)'\n",
    b'  - exitCode: 134\n',
    b"    userLogRegex: '(?i)(?:CUDA_ERROR_ECC_UNCORRECTABLE|uncorrectable ECC error encountered|cudaErrorECCUncorrectable|uncorrectable NVLink error|CUDA_ERROR_NVLINK_UNCORRECTABLE|cudaErrorNvlinkUncorrectable|GPU has fallen off the bus|GPU is lost\\. Reboot the system|Unable to determine the device handle for GPU ?[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.\\d: (?:GPU is lost|Unknown Error)|\\bXid \\([^)\\n]*\\): (?:48|64|74|79|94|95)\\b|hbm Multi-bit ECC error|reason=\\[?(?:suspect )?device mem error|\\bUCE ERROR\\b)'\n",
    b'\n',
    b'# GPU memory that ends in an abort: Caffe\'s (glog) "F syncedmem.cpp:56] Check failed: error == cudaSuccess (2 vs. 0)\n',
    b'# out of memory", a C++ exception nobody catches (std::terminate): the memory is the diagnosis, not the SIGABRT\n',
    b'- containerExitCode: 226\n',
    b'  phrase: ContainerCudaOOMKilled\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the GPU ran out of memory'\n",
    b'  patterns:\n',
    b'  - exitCode: 134\n',
    b"    userLogRegex: &gpumemory '(?i)(?:CUDA out of memory|cuda runtime error \\(2\\) : out of memory|\\b(?:cuda|hip)(?: driver| runtime)? (?:failure|error|failed)\\b[^\\n]{0,40}?\\bout of memory\\b|cudaMalloc\\w*(?: retry)? failed: out of memory|(?:failed|unable) to allocate (?:CUDA|ROCm|Vulkan|Metal|SYCL|MUSA|CANN|OpenCL|HIP|Kompute)\\d* buffer|BFCArena::AllocateRawInternal[^\\n]*Failed to allocate memory for requested buffer|Requested amount of GPU memory \\(\\d+ bytes\\) could not be allocated|cupy\\.cuda\\.memory\\.OutOfMemoryError|No executable batch size found, reached zero|CUDA error: out of memory|(?:^|[^:\\n] |[^ \\n])CUDA_ERROR_OUT_OF_MEMORY|Cuda failure .out of memory.|THCudaCheck FAIL [^\\n]*: out of memory|torch\\.(?:cuda\\.)?OutOfMemoryError|Resource[ _]exhausted: [^\\n]*(?:Out of memory|Failed to allocate|Attempting to (?:reserve|allocate) [^\\n]*That was not possible)|ResourceExhaustedError: [^\\n]*(?:Failed to allocate|Attempting to (?:reserve|allocate))|Out of memory while trying to allocate \\d+ bytes|Error allocating device buffer: Attempting to allocate|No available memory for the cache blocks|Check failed: error == cudaSuccess \\(2 vs\\. 0\\)\\s+out of memory|larger than the maximum number of tokens that can be stored in KV cache|KV cache is needed, which is larger than the available KV cache memory|Free memory on device [^\\n]*is less than desired GPU memory utilization|Not enough memory to handle \\d+ (?:total |prefill )?tokens|HIP out of memory|hipErrorOutOfMemory|cudaErrorMemoryAllocation|would exceed allowed memory\\. \\(out of memory\\)|Not enough memory\\. Please try to increase --mem-fraction-static|Resource exhausted: Out\\s+of memory|Out of memory error on \\w+[ :]?\\d+|paddle::memory::allocation::BadAlloc\\b|\\bout of memory(?: \\([^()\\n]{0,200}\\))?\\. ?(?:\\w+ )?tried to allocate\\b|\\b(?:NPU|XPU|HPU|MLU|MUSA|GCU|DCU|IPU|SDAA) out of memory\\b|MPS backend out of memory|\\bEL0004\\b|Memory_Allocation_Failure\\(EL\\d{4}\\)|ACL_ERROR_RT_MEMORY_ALLOCATION|error code is 207001\\b|Ran out of memory in memory space \\w+|Exceeded (?:hbm|vmem|smem|cmem) capacity by|Cuda Runtime \\(out of memory\\)|Error Code 2: OutOfMemory\\b|Device(?:\\(id:\\d+\\))? memory isn''t enough and alloc failed|MODULE:PT_DEVMEM Allocation failed|\\bCUDA: out of memory\\b|ErrStr:out of memory\\b|\\b(?:UR_RESULT_ERROR|ZE_RESULT_ERROR|VK_ERROR|PI_ERROR)_OUT_OF_DEVICE_MEMORY\\b|\\bErrorOutOfDeviceMemory\\b|Device memory allocation of size \\d+ failed|kIOGPUCommandBufferCallbackErrorOutOfMemory|\\[(?:metal::malloc|malloc_or_wait)\\] (?:Unable to allocate|Resource limit)|Error \\[(?:CUDA|HIP)\\]: out of memory|not enough GPU video memory available|\\bout_of_memory: (?:CUDA error|RMM failure)\\b|RMM failure at:[^\\n]*: Maximum pool size exceeded|\\bRMM_ERROR_OUT_OF_MEMORY\\b|\\bMemory allocation error on worker \\d+: |\\bMemory Object Allocation Failure\\b|\\bCL_MEM_OBJECT_ALLOCATION_FAILURE\\b|\\bCUDA runtime error in [^\\n]{0,200}?: out of memory\\b)'\n",
    b'\n',
    b"# a worker's death by signal, reported by a launcher that dies of the same signal\n",
    b'- containerExitCode: 237\n',
    b'  phrase: ContainerHostMemoryOOMKilled\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the kernel''s OOM killer ended a process (host memory, not GPU memory), or the process ran out of host memory'\n",
    b'  patterns:\n',
    b"  # the supervisor's own finding: the memory cgroup counted OOM kills during this attempt\n",
    b"  # (exitspec/attempt.py's OomCounter writes this runtime.log line); the user command's 137 is that kill\n",
    b'  - exitCode: 137\n',
    b"    platformLogRegex: 'cgroup memory: the kernel''s OOM killer killed \\d+ process'\n",
    b'  - exitCode: 1\n',
    b"    platformLogRegex: 'cgroup memory: the kernel''s OOM killer killed \\d+ process'\n",
    b'  # Open MPI\'s mpirun exits 128+N when a rank died of signal N, and so does Slurm\'s srun ("srun: error: c002: task 0:\n',
    b'  # Killed", its man page: 128 + the signal); a SIGKILLed rank is the kernel\'s OOM killer in a memory-limited container\n',
    b'  # (the same node and size fail the same way)\n',
    b'  - exitCode: 137\n',
    b"    userLogRegex: '(?:exited on signal 9 \\(Killed\\)|is killed by signal: Killed|Signal 9 \\(SIGKILL\\) received by PID|exitcode\\s*:\\s*-9\\b|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\s*137\\b|Detected \\d+ oom[-_]kill events?|killed by the cgroup out-of-memory handler|srun: error: [^\\n]*: tasks? [\\d,-]+: (?:Out Of Memory|Killed)\\b|Out of memory: Kill(?:ed)? process \\d+|oom-kill:constraint=|exit code 137 [(\xef\xbc\x88]interrupted by signal 9[:\xef\xbc\x9a] ?SIGKILL[)\xef\xbc\x89]|\\bOOMKilled\\b|\\bOOM-killed\\b|The node was low on resource: memory|Container killed by YARN for exceeding (?:physical |virtual )?memory limits|TERM_MEMLIMIT\\b|\\bexceeded memory limit \\(\\d+ > \\d+\\), being killed|(?i:\\b(?:exit(?:ed)?|exits|finished|terminated)\\b[^\\n]{0,30}?\\b(?:code|status)\\b\\s*[=:]?\\s*137\\b))'\n",
    b'  # host memory a C++ program could not get: an uncaught std::bad_alloc ends in std::terminate, which aborts\n',
    b'  - exitCode: 134\n',
    b"    userLogRegex: '(?:terminate called after throwing an instance of .std::bad_alloc.|what\\(\\):\\s+std::bad_alloc)'\n",
    b'# cuDNN that does not match or cannot be loaded, behind the abort that cuDNN 8\'s and 9\'s loaders end in ("Could not load\n',
    b'# library libcudnn_ops_infer.so.8. Error: ...", "Please make sure libcudnn_ops_infer.so.8 is in your library path!",\n',
    b'# "Aborted (core dumped)"): see the exit-1 entry of 225 below\n',
    b'- containerExitCode: 225\n',
    b'  phrase: ContainerCudaDnnVersionMismatch\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the cuDNN library does not match this build or could not be loaded'\n",
    b'  patterns:\n',
    b'  - exitCode: 134\n',
    b"    userLogRegex: &dnnmismatch '(?i)(?:dropout supported only in cudnn v|cuDNN version incompatibility|Loaded runtime CuDNN library: \\S+ but source was compiled with|(?:Unable to initialize backend ''(?:cuda|gpu)''|Backend ''(?:cuda|gpu)'' failed to initialize): [^\\n]*(?:Found cuDNN version \\d+, but JAX was built against|Unable to load cuDNN\\b|issues with CUDA components:\\s*(?:\\S+\\s+)?Outdated cuDNN installation)|Could not load library libcudnn\\w*\\.so[.\\d]*\\.\\s+Error: |Unable to load any of \\{libcudnn|Invalid handle\\. Cannot load symbol cudnn\\w+|undefined symbol: cudnn\\w+)'\n",
    b'# the build does not match this GPU or its driver, behind the abort of a C++ program (std::terminate, 134): see the\n',
    b'# exit-1 entry of 224 next to 240 below\n',
    b'- containerExitCode: 224\n',
    b'  phrase: ContainerCudaVersionMismatch\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the CUDA (or ROCm) build does not match this GPU or its driver: no kernel image for its architecture, a PTX or driver too new or too old'\n",
    b'  patterns:\n',
    b'  - exitCode: 134\n',
    b"    userLogRegex: &buildmismatch '(?i)(?:no kernel image is available for execution on the device|cudaErrorNoKernelImageForDevice|CUDA_ERROR_NO_BINARY_FOR_GPU|\\b(?:CUDA|HIP) error: invalid device function|hipErrorInvalidDeviceFunction|cudaErrorInvalidDeviceFunction|the provided PTX was compiled with an unsupported toolchain|CUDA_ERROR_UNSUPPORTED_PTX_VERSION|cudaErrorUnsupportedPtxVersion|forward compatibility was attempted on non supported HW|CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE|cudaErrorCompatNotSupportedOnDevice|system has unsupported display driver / cuda driver combination|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|cudaErrorSystemDriverMismatch|CUDA driver version is insufficient for CUDA runtime version|The NVIDIA driver on your system is too old|ptxas(?:-\\w+)? fatal\\s*: Value ''sm_\\w+'' is not defined for option ''gpu-name''|CUDA Setup failed despite GPU being available|(?:Unable to initialize backend ''(?:cuda|gpu)''|Backend ''(?:cuda|gpu)'' failed to initialize): [^\\n]*(?:Found (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) version \\d+, but JAX was built against|Outdated (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) installation)|The detected CUDA version \\([\\d.]+\\) mismatches the version that was used to compile\\s+PyTorch|Torch not compiled with CUDA enabled)'\n",
    b'- containerExitCode: 240\n',
    b'  phrase: ContainerCudaKernelFault\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'a GPU kernel faulted or could not run: an illegal memory access, a device-side assertion, a launch the GPU cannot run'\n",
    b'  patterns:\n',
    b'  # a C++ exception nobody catches ends in std::terminate, which aborts (134): the CUDA error\n',
    b'  # that caused it is the diagnosis, not the SIGABRT\n',
    b'  - exitCode: 134\n',
    b"    userLogRegex: &kernelfault '(?:an illegal memory access was encountered|device-side assert triggered|misaligned address|an illegal instruction was encountered|unspecified launch failure|the launch timed out and was terminated|too many resources requested for launch|CUDA_ERROR_(?:ILLEGAL_ADDRESS|ILLEGAL_INSTRUCTION|MISALIGNED_ADDRESS|LAUNCH_FAILED|ASSERT|LAUNCH_TIMEOUT|LAUNCH_OUT_OF_RESOURCES|HARDWARE_STACK_ERROR)\\b|cudaError(?:IllegalAddress|IllegalInstruction|MisalignedAddress|LaunchFailure|Assert|LaunchTimeout|LaunchOutOfResources|HardwareStackError)\\b|hipError(?:IllegalAddress|LaunchFailure|Assert)\\b|\\.cu:\\d+: [^\\n]*Assertion `[^\\n]*` failed|block: \\[\\d+, ?\\d+, ?\\d+\\], thread: \\[\\d+, ?\\d+, ?\\d+\\] Assertion `|Memory access fault by GPU node-\\d+|HSA_STATUS_ERROR_(?:MEMORY_APERTURE_VIOLATION|MEMORY_FAULT|EXCEPTION|ILLEGAL_INSTRUCTION)\\b|triton\\.runtime\\.errors\\.OutOfResources: out of resource)'\n",
    b'- containerExitCode: 241\n',
    b'  phrase: ContainerCudaLibraryFailed\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'a CUDA library call (cuBLAS, cuDNN, cuFFT, cuSOLVER, cuSPARSE, cuRAND) failed'\n",
    b'  patterns:\n',
    b"  # TensorFlow's and Caffe's CHECK on a cuDNN/cuBLAS status is glog's LOG(FATAL), which aborts (134):\n",
    b'  # "F cuda_dnn.cc:194] Check failed: status == CUDNN_STATUS_SUCCESS (7 vs. 0)Failed to set cuDNN stream."\n',
    b'  - exitCode: 134\n',
    b"    userLogRegex: '(?:Check failed: [^\\n]*CU(?:DNN|BLAS)_STATUS_|CUDNN_STATUS_(?:NOT_INITIALIZED|ALLOC_FAILED|BAD_PARAM|INTERNAL_ERROR|EXECUTION_FAILED|MAPPING_ERROR|NOT_SUPPORTED|ARCH_MISMATCH)|CUBLAS_STATUS_(?:NOT_INITIALIZED|ALLOC_FAILED|INVALID_VALUE|EXECUTION_FAILED|INTERNAL_ERROR|MAPPING_ERROR|NOT_SUPPORTED|ARCH_MISMATCH)|cuDNN error:|\\b(?:HIPBLAS|ROCBLAS|HIPBLASLT|HIPSPARSE|ROCSPARSE|HIPSOLVER|ROCSOLVER|HIPFFT|ROCFFT|HIPRAND|ROCRAND|CUTENSOR)_STATUS_[A-Z_]+|\\bmiopenStatus(?:NotInitialized|InvalidValue|BadParm|AllocFailed|InternalError|NotImplemented|UnknownError|UnsupportedOp|GpuOperationsSkipped|VersionMismatch)\\b|MIOpen Error: |rocBLAS error: |hipBLASLt error|cuBLASLt error)'\n",
    b'- containerExitCode: 239\n',
    b'  phrase: ContainerRendezvousFailed\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached'\n",
    b'  patterns:\n',
    b'  # c10d\'s store throws from C++ and nobody catches it: "terminate called after throwing an instance of\n',
    b'  # \'std::runtime_error\'  what():  connect() timed out", then SIGABRT\n',
    b'  - exitCode: 134\n',
    b"    userLogRegex: '(?:what\\(\\):\\s+(?:connect\\(\\) timed out|Socket Timeout|The client socket has timed out after|Timed out after \\d+ seconds waiting for clients)|terminate called after throwing an instance of .c10::Dist(?:Network|Store)Error.|JAX distributed service detected fatal errors\\. This most likely indicates that another task died|Wait timeout after \\d+ seconds for key\\(s\\): |heartbeat timeout\\. This indicates that the remote task)'\n",
    b'- containerExitCode: 238\n',
    b'  phrase: ContainerCollectiveCommunicationFailed\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'a collective communication operation (NCCL, gloo, MPI, Horovod) failed or timed out: a peer died, the network failed or the communicator was set up wrong'\n",
    b'  patterns:\n',
    b"  # the NCCL watchdog aborts the process on a collective timeout; gloo's IoException too\n",
    b'  - exitCode: 134\n',
    b"    userLogRegex: &collective '(?:Watchdog caught collective operation timeout|NCCL error(?: in)?:|DistBackendError|nccl(?:System|Internal|Remote|InvalidUsage|InvalidArgument|UnhandledCuda)Error|NCCL communicat(?:or was|ion) aborted|gloo[/\\\\]transport[/\\\\]\\w+[/\\\\][^\\n]*(?:Connection (?:closed|reset) by peer|Read error|Read timeout|Write timeout|Socket (?:unexpectedly )?closed|Timed out|Application timeout caused pair closure)|Gloo connectFullMesh failed|This is typically caused by a remote worker crashing\\. Check the logs of the remote worker|Application timeout caused pair closure|Timed out waiting \\d+ms for (?:recv|send) operation to complete|enforce fail at [^\\n]*gloo[/\\\\]|gloo::(?:EnforceNotMet|IoException|transport::\\w+::Pair)\\b|ProcessGroupGloo::(?:runLoop|\\w*[Ww]ait\\w*)\\b|NET/IB\\w* ?: ?Got completion from peer|net_ib\\.cc:\\d+ NCCL WARN NET/IB ?: (?:Got completion|[^G\\n ])|NCCL WARN [^\\n]*ibv_\\w+ failed|NCCL Error \\d+: |nccl\\w+ failed: (?:unhandled system error|unhandled cuda error|internal error|remote process exited|invalid usage|invalid argument)|NCCL WARN [^\\n]*(?:socketStartConnect|socketProgress|Connect to [^\\n]*failed|Connection (?:closed by remote peer|refused|reset by peer)|Broken pipe|Socket recv failed|[Bb]ootstrap)|== ncclSuccess \\(\\d+ vs\\. 0\\)|NCCL WARN Duplicate GPU detected|NCCL INFO [\\w./-]+\\.(?:cc|cu|h):\\d+ -> [1-6]\\b|ProcessGroupNCCL::(?:WorkNCCL::checkTimeout|ncclCommWatchdog|watchdogHandler|workCleanupLoop)\\b|Exception raised from (?:checkTimeout|ncclCommWatchdog|watchdogHandler|workCleanupLoop) at |[Ww]atchdog thread terminated with exception|[Hh]eartbeat monitor timed out|watchdog got stuck for \\d+ seconds|detected by watchdog at work: \\d+|Timeout at NCCL work: \\d+|last enqueued NCCL work: -?\\d+, last completed NCCL work: -?\\d+|Received a dump signal due to a collective timeout|Some NCCL operations have failed or timed out|HorovodInternalError\\b|An error occurred in MPI_\\w+|(?:Error|Exception|what\\(\\)):\\s+\\[[^\\]\\n]*\\bgloo[/\\\\]\\w+[/\\\\][^\\]\\n]*:\\d+\\] |HCCL function error ?: |OPS function error: [Hh]ccl\\w+|DIST call hccl api failed|\\bHCCL error in: |\\bE[IJ]\\d{4}: |\\[ERROR\\] HCCL\\(\\d+,|HCCL OP RETRY FAILED|failed to pass monitoredBarrier in \\d+ ms|timed out in monitoredBarrier|Fatal error in \\w+: [^\\n]*, error stack:|\\|CCL_ERROR\\| |oneCCL: [\\w.]+:\\d+ \\w+: |UCX +ERROR [^\\n]*(?:Transport retry count exceeded|[Ee]ndpoint timeout|Destination is unreachable|Connection reset by remote peer|Remote access error|Input/output error)|Transport retry count exceeded on \\w+:\\d+|\\[btl_tcp_\\w+\\.c:\\d+:mca_btl_tcp_\\w+\\] [^\\n]*failed|(?:ORTE|PRTE) has lost communication with|Collective ops is aborted by: (?:[^E\\n]|E[^n])|BaseCollectiveExecutor::StartAbort (?:Unavailable|UNAVAILABLE|Internal|INTERNAL|Deadline ?[Ee]xceeded|DEADLINE_EXCEEDED|Unknown|UNKNOWN): |Aborting Ring\\w+ with (?:Unavailable|UNAVAILABLE|Internal|INTERNAL|Deadline ?[Ee]xceeded|DEADLINE_EXCEEDED): |\\bMPI_ERR_[A-Z_]+\\b|(?i:nccl[^\\n]{0,80}?(?:unhandled (?:system|cuda) error|remote process exited or there was a network error|invalid usage)))'\n",
    b"# disk full and a corrupt checkpoint behind an abort: torch.save's C++ writer throwing from a destructor\n",
    b'# ("terminate called after throwing an instance of \'c10::Error\' what(): [enforce fail at inline_container.cc:366] .\n',
    b'# PytorchStreamWriter failed writing file version: file write failed"), a truncated checkpoint\'s traceback followed\n',
    b'# by std::terminate at exit: the abort is the consequence\n',
    b'- containerExitCode: 242\n',
    b'  phrase: ContainerDiskFull\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'a filesystem the job writes to is full, or its quota is exceeded'\n",
    b'  patterns:\n',
    b'  - exitCode: 134\n',
    b"    userLogRegex: &diskfull '(?:(?i:no space left on device|disk quota exceeded)|\\[Errno 28\\]|\\[Errno 122\\]|kind: StorageFull|PytorchStreamWriter failed writing file|: Wrote only \\d+ of \\d+ bytes|inline_container\\.cc:\\d+\\] \\. ?unexpected pos \\d+ vs \\d+|Not enough disk space\\. Needed: |Not enough free space to write \\d+ bytes|database or disk is full|kind: FilesystemQuotaExceeded|\\[WinError 112\\]|There is not enough space on the disk|\\bENOSPC\\b[^\\n]{0,20}(?i:no space|space left|disk full)|\\bEDQUOT\\b)'\n",
    b'- containerExitCode: 243\n',
    b'  phrase: ContainerCorruptCheckpoint\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a checkpoint or model file is truncated or corrupt'\n",
    b'  patterns:\n',
    b'  - exitCode: 134\n',
    b'    userLogRegex: &corrupt \'(?:PytorchStreamReader failed (?:reading|locating file (?:data(?:\\.pkl|/\\d+)|version|byteorder))|Expected hasRecord\\("version"\\) to be true|failed finding central directory|unexpected EOF[^\\n]*(?:might be corrupted|more bytes)|Error while deserializing header: \\w+|\\b(?:HeaderTooLarge|HeaderTooSmall|MetadataIncompleteBuffer|InvalidHeaderDeserialization|InvalidHeaderStart|InvalidHeaderLength)\\b|incomplete metadata, file not fully covered|\\bBadZip[Ff]ile: |inline_container\\.cc:\\d+\\] \\. file not found: \\w+/(?:data\\.pkl|version|byteorder)|Can\'\'t read data \\((?:wrong B-tree signature|inflate\\(\\) failed)|Unable to (?:synchronously )?open (?:file|object) \\((?:truncated file: eof = \\d+|file signature not found|bad (?:object header|symbol table|local heap|heap)[^)\\n]*)|(?:DataLossError|Data loss|DATA_LOSS): [^\\n]*(?:[Cc]hecksum does not match|truncated (?:record|block read)|corrupted record|file is too short to be an sstable|[Bb]lock checksum mismatch|[Uu]nexpected end of (?:data|file|stream|input))|model is corrupted or incomplete|gguf_init_from_file\\w*: invalid magic|INVALID_PROTOBUF : [^\\n]*Protobuf parsing failed|Load model from [^\\n]* failed: ?Protobuf parsing failed|(?:OutOfRangeError|Out of range|OUT_OF_RANGE): [^\\n]*Read less bytes than requested|Requested byte range \\[\\d+, ?\\d+\\) is not valid for value of size \\d+|ValidationError: Unable to parse proto from file: |DecodeError: Error parsing message|Unable to load weights from (?:pytorch )?checkpoint file|You seem to have cloned a repository without having git-lfs installed|pickle data was truncated|Invalid magic number; corrupt file|storage has wrong (?:byte )?size: expected (?:\\d+|%ld) got|invalid load key|(?s:serialization\\.py", line \\d+.{0,400}EOFError: Ran out of input))\'\n',
    b'\n',
    b'# [129,192] killed by an OS signal (128+N)\n',
    b'# SIGHUP: the session that started the job hung up (a closed terminal or ssh session, nohup around torchrun, whose\n',
    b'# agent installs its own SIGHUP handler); OpenPAI has no code for it, 128+1 names it as the other signals are named\n',
    b'- containerExitCode: 129\n',
    b'  phrase: ContainerSigHupReceived\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'stopped by SIGHUP (the terminal or session that started the job was closed)'\n",
    b'  patterns:\n',
    b'  - {exitCode: 129}\n',
    b"  # torchrun's elastic agent itself got SIGHUP: it sends SIGHUP to its workers and raises SignalException, exit 1\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:SignalException: Process \\d+ got signal: 1\\b|Received 1 death signal, shutting down workers)'\n",
    b'- containerExitCode: 130\n',
    b'  phrase: ContainerSigIntReceived\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'killed by SIGINT'\n",
    b'  patterns:\n',
    b'  - {exitCode: 130}\n',
    b"  # torchrun's elastic agent itself got SIGINT (Ctrl-C): it stops its workers and raises SignalException, exit 1\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:SignalException: Process \\d+ got signal: 2\\b|Received 2 death signal, shutting down workers)'\n",
    b'- containerExitCode: 131\n',
    b'  phrase: ContainerSigQuitReceived\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'killed by SIGQUIT'\n",
    b'  patterns: [{exitCode: 131}]\n',
    b'- containerExitCode: 132\n',
    b'  phrase: ContainerSigIllReceived\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'killed by SIGILL'\n",
    b'  patterns: [{exitCode: 132}]\n',
    b'- containerExitCode: 134\n',
    b'  phrase: ContainerSigAbrtReceived\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'a process aborted (SIGABRT)'\n",
    b'  patterns: [{exitCode: 134}]\n',
    b'- containerExitCode: 135\n',
    b'  phrase: ContainerSigBusReceived\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'killed by SIGBUS'\n",
    b'  patterns: [{exitCode: 135}]\n',
    b'- containerExitCode: 136\n',
    b'  phrase: ContainerSigFpeReceived\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'killed by SIGFPE'\n",
    b'  patterns: [{exitCode: 136}]\n',
    b'- containerExitCode: 137\n',
    b'  phrase: ContainerSigKillReceived\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'killed by SIGKILL'\n",
    b'  patterns: [{exitCode: 137}]\n',
    b'- containerExitCode: 139\n',
    b'  phrase: ContainerSigSegvReceived\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'a process crashed (SIGSEGV)'\n",
    b'  patterns: [{exitCode: 139}]\n',
    b'- containerExitCode: 141\n',
    b'  phrase: ContainerSigPipeReceived\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'killed by SIGPIPE'\n",
    b'  patterns: [{exitCode: 141}]\n',
    b'- containerExitCode: 143\n',
    b'  phrase: ContainerSigTermReceived\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'stopped by SIGTERM (the pod was stopped, preempted or evicted)'\n",
    b'  patterns:\n',
    b'  - {exitCode: 143}\n',
    b"  # torchrun's elastic agent itself got SIGTERM (the pod was stopped): it stops its workers and raises SignalException,\n",
    b"  # so the user command exits 1 (its workers' SIGTERM is not this: the agent sends that after a worker failed)\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:SignalException: Process \\d+ got signal: 15\\b|Received 15 death signal, shutting down workers)'\n",
    b'\n',
    b'# [220,255] diagnosed by the runtime\n',
    b'- containerExitCode: 249\n',
    b'  phrase: PAIRuntimeSSHBarrierTimeout\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the SSH barrier reached its retry limit'\n",
    b'  patterns:\n',
    b'  - exitCode: 10\n',
    b"    platformLogRegex: 'SSH barrier reaches max retry count'\n",
    b'# a program the dynamic loader cannot start because a shared library is missing: ld.so exits 127 ("./darknet: error\n',
    b'# while loading shared libraries: libcudart.so.10.0: cannot open shared object file"), before 220\'s "No such file"\n',
    b'- containerExitCode: 232\n',
    b'  phrase: ContainerImportError\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a Python module is missing'\n",
    b'  patterns:\n',
    b'  - exitCode: 127\n',
    b"    userLogRegex: 'error while loading shared libraries: [^\\n]*: cannot open shared object file'\n",
    b'- containerExitCode: 220\n',
    b'  phrase: UserCommandExitWithError\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the user command does not exist or is not executable'\n",
    b'  patterns:\n',
    b'  # bash: "foo: command not found"; dash (/bin/sh): "user.sh: 3: foo: not found"\n',
    b'  - exitCode: 127\n',
    b"    userLogRegex: '(?i)(?:command not found|: not found\\b|: No such file or directory|executable file not found in \\$PATH)'\n",
    b"  # Open MPI's mpirun could not start the program on a node ('mpirun was unable to find the specified executable file')\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:mpirun|mpiexec|prterun) was unable to (?:find the specified executable file|launch the specified application as it could not (?:find|access or execute) an executable|start the specified application as it encountered an)'\n",
    b'  # bash: "./train.sh: Permission denied"; "cannot execute binary file"\n',
    b'  - exitCode: 126\n',
    b"    userLogRegex: '(?i)(?:Permission denied|cannot execute)'\n",
    b'  # the interpreter cannot open the user\'s script: "python: can\'t open file \'train.py\': [Errno 2] No such file or\n',
    b'  # directory" (Python exits 2; a launcher that ran it, torch.distributed.launch\'s CalledProcessError, exits 1)\n',
    b'  - exitCode: 2\n',
    b"    userLogRegex: '(?m)^(?:\\[[^\\]\\n]*\\]:? |[\\w.-]+: )?\\S*python[\\w.]*: can''t open file [^\\n]*\\[Errno 2\\] No such file or directory'\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?m)^(?:\\[[^\\]\\n]*\\]:? |[\\w.-]+: )?\\S*python[\\w.]*: can''t open file [^\\n]*\\[Errno 2\\] No such file or directory'\n",
    b'# TensorFlow\'s own allocators of host memory before its GPU entry (221): the CPU allocator ("cpu"), oneDNN\'s\n',
    b'# ("mklcpu") and the pinned host pool ("cuda_host_bfc", older "gpu_host_bfc") say "Allocator (mklcpu) ran out of\n',
    b'# memory trying to allocate ... requested by op X" and "OOM when allocating tensor with shape[...] ... on\n',
    b'# /job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu": the host\'s memory, not the GPU\'s\n',
    b'- containerExitCode: 237\n',
    b'  phrase: ContainerHostMemoryOOMKilled\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the kernel''s OOM killer ended a process (host memory, not GPU memory), or the process ran out of host memory'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:OOM when allocating tensor[^\\n]*?(?:/device:CPU:\\d+\\b|\\bby allocator (?:cpu|mklcpu|cpu_pool|cuda_host_bfc|gpu_host_bfc)\\b)|Allocator \\((?:cpu|mklcpu|cpu_pool|cuda_host_bfc|gpu_host_bfc)\\) ran out of memory trying to allocate [^\\n]*(?:requested by op|See logs for memory state|Current allocation summary follows))'\n",
    b'- containerExitCode: 221\n',
    b'  phrase: ContainerTensorflowOOMKilled\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'TensorFlow ran out of GPU memory'\n",
    b'  patterns:\n',
    b'  # "tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor"\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: 'ResourceExhaustedError\\b.*\\bOOM\\b'\n",
    b'  # the BFC allocator\'s failed allocation ("... (rounded to N)requested by op X") or the error status\n',
    b'  # ("... See logs for memory state"); its "freed_by_count=0. The caller indicates that this is not a\n',
    b'  # failure" warning is not fatal (TensorFlow retries or falls back) and must not decide the code\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?i)ran out of memory trying to allocate [^\\n]*(?:requested by op|See logs for memory state)'\n",
    b'  # TF2 "Graph execution error:" puts the OOM line below the exception line\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '\\bOOM when allocating tensor\\b'\n",
    b'  # TF2\'s eager ops: "ResourceExhaustedError: {{function_node __wrapped__AddV2_device_/job:localhost/replica:0/task:0/device:GPU:0}}\n',
    b'  # failed to allocate memory [Op:AddV2]" (before 226, whose "Failed to allocate" it would otherwise read)\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: 'ResourceExhaustedError: [^\\n]*failed to allocate memory\\b'\n",
    b'  # TensorFlow could not get GPU memory for a tensor it copies to the GPU: "InternalError: Failed copying\n',
    b'  # input tensor from ...CPU:0 to ...GPU:0 in order to run _EagerConst: Dst tensor is not initialized."\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: 'Dst tensor is not initialized'\n",
    b'  # TensorFlow could not create its CUDA context for lack of GPU memory (another process holds it): TF2 "InternalError: CUDA\n',
    b'  # runtime implicit initialization on GPU:0 failed. Status: out of memory", TF1 "failed initializing StreamExecutor for CUDA\n',
    b'  # device ordinal 0: Internal: failed call to cuDevicePrimaryCtxRetain: CUDA_ERROR_OUT_OF_MEMORY"\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:CUDA runtime implicit initialization on GPU:\\d+ failed\\. Status: out of memory|failed initializing StreamExecutor for CUDA device ordinal \\d+: [^\\n]*CUDA_ERROR_OUT_OF_MEMORY)'\n",
    b'- containerExitCode: 226\n',
    b'  phrase: ContainerCudaOOMKilled\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the GPU ran out of memory'\n",
    b'  patterns:\n',
    b'  # PyTorch "torch.OutOfMemoryError: CUDA out of memory", old PyTorch "cuda runtime error (2) : out of memory",\n',
    b'  # CUDA "CUDA error: out of memory", JAX/XLA "RESOURCE_EXHAUSTED: Out of memory while trying to allocate" and\n',
    b'  # "Failed to allocate request", older XLA/TF and TPUs "Resource exhausted: Failed to allocate request",\n',
    b'  # "Attempting to reserve 6.48G at the bottom of memory. That was not possible", vLLM "No available memory\n',
    b'  # for the cache blocks", "KV cache is needed, which is larger than the available KV cache memory" and\n',
    b'  # "Free memory on device ... is less than desired GPU memory utilization", TGI\'s warmup "Not enough memory\n',
    b'  # to handle 4096 prefill tokens"; ROCm "HIP out of memory", PaddlePaddle "Out of memory error on GPU 0";\n',
    b'  # RAPIDS\' RMM (cuDF, cuML, CuPy/PyTorch on RMM) "MemoryError: std::bad_alloc: out_of_memory: CUDA error at: ...\n',
    b'  # cuda_memory_resource.hpp", its pool\'s "RMM failure at:...pool_memory_resource.hpp:196: Maximum pool size exceeded" (GPU\n',
    b'  # memory before the host\'s MemoryError and bad_alloc of 237); XGBoost\'s device allocator "Memory allocation error on worker 0:\n',
    b'  # Caching allocator"; OpenCL\'s CL_MEM_OBJECT_ALLOCATION_FAILURE ("Memory Object Allocation Failure", LightGBM on GPU);\n',
    b'  # TensorRT-LLM\'s CUDA check "[TensorRT-LLM][ERROR] CUDA runtime error in ::cudaMallocAsync(ptr, n, mCudaStream->get()): out\n',
    b'  # of memory (.../tllmBuffers.h:118)"; torchrun exits 1 too\n',
    b'  - exitCode: 1\n',
    b'    userLogRegex: *gpumemory\n',
    b'- containerExitCode: 224\n',
    b'  phrase: ContainerCudaVersionMismatch\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the CUDA runtime needs a newer NVIDIA driver'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?i)(?:CUDA driver version is insufficient for CUDA runtime version|The NVIDIA driver on your system is too old)'\n",
    b'# no GPU or no NVIDIA driver is visible to the process: PyTorch\'s "RuntimeError: No CUDA GPUs are available" (often a\n',
    b'# CUDA_VISIBLE_DEVICES naming a GPU the pod lacks), "cuda runtime error (38) : no CUDA-capable device is detected"\n',
    b'# (cudaErrorNoDevice, CUDA_ERROR_NO_DEVICE), "Found no NVIDIA driver on your system", TensorFlow/JAX\'s "CUDA driver\n',
    b'# initialization failed": the CUDA stack does not fit this container\'s devices or driver (224, not the hardware fault\n',
    b'# of 223: no GPU reported an error; a retry in the same pod spec cannot help)\n',
    b'- containerExitCode: 224\n',
    b'  phrase: ContainerCudaVersionMismatch\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'no GPU or no NVIDIA driver is visible to the job (the devices or driver the CUDA build needs are missing)'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?i)(?:no CUDA-capable device is detected|\\bcudaErrorNoDevice\\b|\\bCUDA_ERROR_NO_DEVICE\\b|No CUDA GPUs are available|Found no NVIDIA driver on your system|CUDA driver initialization failed)'\n",
    b'- containerExitCode: 225\n',
    b'  phrase: ContainerCudaDnnVersionMismatch\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the cuDNN library does not match this build or could not be loaded'\n",
    b'  patterns:\n',
    b'  # XLA\'s (TensorFlow, JAX) "Loaded runtime CuDNN library: 8.5.0 but source was compiled with: 8.6.0"; JAX\'s own check\n',
    b'  # when it cannot fall back ("RuntimeError: Unable to initialize backend \'cuda\': Found cuDNN version 8600, but JAX was\n',
    b'  # built against version 8906", "Backend \'cuda\' failed to initialize: Unable to use CUDA because of the following issues\n',
    b'  # with CUDA components: Outdated cuDNN installation found"; its warning "CUDA backend failed to initialize: ..." falls\n',
    b'  # back to the CPU and is not fatal, so it decides nothing); cuDNN\'s own loader (cuDNN 8: "Could not load library\n',
    b'  # libcudnn_cnn_infer.so.8. Error: libcuda.so: cannot open shared object file", cuDNN 9: "Unable to load any of\n',
    b'  # {libcudnn_ops.so.9.1.0, ...}", "Invalid handle. Cannot load symbol cudnnCreateTensorDescriptor"); a PyTorch built against\n',
    b'  # another cuDNN ("ImportError: ..._C.cpython-36m-x86_64-linux-gnu.so: undefined symbol: cudnnSetConvolutionGroupCount",\n',
    b"  # before 232's ImportError by its class)\n",
    b'  - exitCode: 1\n',
    b'    userLogRegex: *dnnmismatch\n',
    b'# the build does not match this GPU or its driver (a user reads "version mismatch", OpenPAI\'s 224): PyTorch built without\n',
    b'# kernels for the GPU\'s architecture ("CUDA error: no kernel image is available for execution on the device", after its "sm_120\n',
    b'# is not compatible with the current PyTorch installation" warning), ROCm\'s "HIP error: invalid device function" (a gfx target\n',
    b'# the build lacks, HSA_OVERRIDE_GFX_VERSION), PTX newer than the driver, forward compatibility on a GPU without it, a\n',
    b"# driver/library mismatch; a CUDA extension built (pip, setup.py, torch.utils.cpp_extension's JIT of DeepSpeed's ops) with a\n",
    b'# toolkit other than PyTorch\'s ("The detected CUDA version (12.1) mismatches the version that was used to compile PyTorch\n',
    b'# (11.8)"); a CPU-only PyTorch asked for the GPU ("AssertionError: Torch not compiled with CUDA enabled"); JAX\'s own check of the CUDA runtime and libraries it was built against when it cannot fall back to\n',
    b'# the CPU ("Unable to initialize backend \'cuda\': Found CUDA version 12010, but JAX was built against version 12020"; cuDNN\'s is\n',
    b"# 225's); tried before the kernel fault (240), whose CUDA error lines these share\n",
    b'- containerExitCode: 224\n',
    b'  phrase: ContainerCudaVersionMismatch\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the CUDA (or ROCm) build does not match this GPU or its driver: no kernel image for its architecture, a PTX or driver too new or too old'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b'    userLogRegex: *buildmismatch\n',
    b'  # C and CUDA programs\' own checks exit(-1): 255 ("cudaCheckError() failed : no kernel image is available ...")\n',
    b'  - exitCode: 255\n',
    b'    userLogRegex: *buildmismatch\n',
    b'- containerExitCode: 240\n',
    b'  phrase: ContainerCudaKernelFault\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'a GPU kernel faulted or could not run: an illegal memory access, a device-side assertion, a launch the GPU cannot run'\n",
    b'  patterns:\n',
    b'  # "an illegal memory access was encountered", "device-side assert triggered" and the kernel\'s\n',
    b'  # "Assertion `...` failed." lines: a bug in a kernel or its inputs, sometimes the GPU\n',
    b'  - exitCode: 1\n',
    b'    userLogRegex: *kernelfault\n',
    b'- containerExitCode: 241\n',
    b'  phrase: ContainerCudaLibraryFailed\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'a CUDA library call (cuBLAS, cuDNN, cuFFT, cuSOLVER, cuSPARSE, cuRAND) failed'\n",
    b'  patterns:\n',
    b"  # cuBLAS/cuDNN status codes (CUBLAS_STATUS_EXECUTION_FAILED, CUDNN_STATUS_INTERNAL_ERROR); TensorFlow's\n",
    b'  # "Failed to get convolution algorithm. This is probably because cuDNN failed to initialize", "Blas GEMM\n',
    b'  # launch failed"; bitsandbytes "cuBLAS API failed with status 15", "cublasLt ran into an error!"\n',
    b'  # JAX\'s GPU libraries "XlaRuntimeError: INTERNAL: jaxlib/gpu/solver_handle_pool.cc:37: operation gpusolverDnCreate(&handle)\n',
    b'  # failed: cuSolver internal error"\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:CUBLAS_STATUS_[A-Z_]+|CUDNN_STATUS_[A-Z_]+|cuDNN error:|cuBLAS error|cublas runtime error|GET was unable to find an engine to execute this computation|Unable to find a valid cuDNN algorithm|Failed to get convolution algorithm|cuDNN failed to initialize|Blas (?:\\w+ )?launch failed|cuBLAS API failed with status \\d+|cublasLt ran into an error|CUFFT_(?:INTERNAL_ERROR|ALLOC_FAILED|EXEC_FAILED|SETUP_FAILED|INVALID_PLAN|INVALID_VALUE|INVALID_TYPE|INVALID_SIZE|UNALIGNED_DATA|INVALID_DEVICE|NO_WORKSPACE|NOT_IMPLEMENTED|NOT_SUPPORTED)\\b|cuFFT error|CUSOLVER_STATUS_[A-Z_]+|cusolver error|CUSPARSE_STATUS_[A-Z_]+|cuSPARSE error|CURAND_STATUS_[A-Z_]+|cuDNN launch failure|DNN library initialization failed|cuBLAS call failed|cuDNN Frontend error|\\[cudnn_frontend\\] Error|\\b(?:HIPBLAS|ROCBLAS|HIPBLASLT|HIPSPARSE|ROCSPARSE|HIPSOLVER|ROCSOLVER|HIPFFT|ROCFFT|HIPRAND|ROCRAND|CUTENSOR)_STATUS_[A-Z_]+|\\bmiopenStatus(?:NotInitialized|InvalidValue|BadParm|AllocFailed|InternalError|NotImplemented|UnknownError|UnsupportedOp|GpuOperationsSkipped|VersionMismatch)\\b|MIOpen Error: |rocBLAS error: |hipBLASLt error|cuBLASLt error|\\bcu(?:Solver|BLAS|SPARSE|FFT|DNN|RAND) (?:internal error|has not been initialized)\\b|\\boperation (?:gpu|cu|hip)(?:solver|blas|sparse|fft|dnn)\\w*\\([^\\n]*\\) failed: )'\n",
    b"# a launcher (mpirun, horovodrun, torchrun, mp.spawn) that reports its worker's segfault: the segfault seen\n",
    b"# through the launcher (234) decides over the rank's own Open MPI handler lines (222, below), which it also prints\n",
    b'- containerExitCode: 234\n',
    b'  phrase: ContainerSigvFault\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a process crashed (segmentation fault)'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:mpirun failed with exit code 139\\b|exited on signal 11\\b|exit codes of the workers are \\{[^}\\n]*SIGSEGV\\(-11\\)|Signal 11 \\(SIGSEGV\\) received by PID|exitcode\\s*:\\s*-11\\b|terminated with signal SIGSEGV|exits with return code = -11\\b|died with <Signals\\.SIGSEGV: 11>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\s*139\\b|returned non-zero exit status -11\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-11\\b))'\n",
    b'- containerExitCode: 222\n',
    b'  phrase: ContainerMPISegvFault\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'an MPI process crashed (segmentation fault)'\n",
    b'  patterns:\n',
    b'  # Open MPI\'s signal handler: "[host:123] Signal code: Address not mapped (1)"\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: 'Signal code: Address not mapped'\n",
    b'- containerExitCode: 237\n',
    b'  phrase: ContainerHostMemoryOOMKilled\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the kernel''s OOM killer ended a process (host memory, not GPU memory), or the process ran out of host memory'\n",
    b'  patterns:\n',
    b"  # a worker SIGKILLed (the kernel's OOM killer, almost always) as launchers report it: torchrun\n",
    b'  # "exitcode: -9" / "Signal 9 (SIGKILL) received by PID", DataLoader "is killed by signal: Killed", mpirun\n',
    b'  # "exited on signal 9 (Killed)", hydra "EXIT CODE: 9", DeepSpeed "exits with return code = -9" (its\n',
    b'  # launcher then exits 247, -9 & 0xff), Ray\'s memory monitor; bash "line 3:  71 Killed  python ..."; the\n',
    b'  # worker\'s status 137 in words: Horovod "Process 0 exit with status code 137" / "Exit code: 137", subprocess\n',
    b'  # "returned non-zero exit status 137"; Slurm\'s "slurmstepd: error: Detected 1 oom-kill event(s)" and "srun:\n',
    b'  # error: node: task 0: Out Of Memory" and "task 0: Killed"; the kernel\'s own "Out of memory: Killed process 4242 (python3)"\n',
    b'  # (dmesg); vLLM V1\'s engine core that died of SIGKILL, as multiprocessing\'s exit code -9 ("Engine core initialization\n',
    b'  # failed. See root cause above. Failed core proc(s): {\'EngineCore_0\': -9}")\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: &hostkill '(?:exitcode\\s*:\\s*-9\\b|Signal 9 \\(SIGKILL\\) received by PID|is killed by signal: Killed|exited on signal 9 \\(Killed\\)|=\\s+EXIT CODE: 9\\b|exits with return code = -9\\b|terminated with signal SIGKILL|exit with status code -9\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-9\\b)|ray\\.exceptions\\.OutOfMemoryError|exceeds the memory usage threshold of [\\d.]+\\. Ray killed this worker|Task was killed due to the node running low on memory|(?i:killed due to memory pressure)|node running low on memory|RayOutOfMemoryError|Worker (?:\\S+ (?:\\(pid=\\d+\\) )?)?exceeded \\d+% memory budget|exit codes of the workers are \\{[^}\\n]*SIGKILL\\(-9\\)|Failed core proc\\(s\\): \\{[^}\\n]*: -9\\b|The worker may have exceeded K8s pod memory limits|Detected \\d+ oom[-_]kill events?|killed by the cgroup out-of-memory handler|srun: error: [^\\n]*: tasks? [\\d,-]+: (?:Out Of Memory|Killed)\\b|Out of memory: Kill(?:ed)? process \\d+|oom-kill:constraint=|: line \\d+: +\\d+ Killed +\\S|died with <Signals\\.SIGKILL: 9>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\s*137\\b|exit code 137 [(\xef\xbc\x88]interrupted by signal 9[:\xef\xbc\x9a] ?SIGKILL[)\xef\xbc\x89]|\\bOOMKilled\\b|\\bOOM-killed\\b|The node was low on resource: memory|Container killed by YARN for exceeding (?:physical |virtual )?memory limits|TERM_MEMLIMIT\\b|\\bexceeded memory limit \\(\\d+ > \\d+\\), being killed|(?i:\\b(?:exit(?:ed)?|exits|finished|terminated)\\b[^\\n]{0,30}?\\b(?:code|status)\\b\\s*[=:]?\\s*137\\b)|\\bsignal: killed\\b|Failed with result ''oom-kill'')'\n",
    b'  - exitCode: 247\n',
    b'    userLogRegex: *hostkill\n',
    b'  - exitCode: 9\n',
    b'    userLogRegex: *hostkill\n',
    b'  # the process itself could not get host memory: Python MemoryError, numpy "Unable to allocate", bad_alloc,\n',
    b'  # PyTorch\'s "DefaultCPUAllocator: not enough memory"; the JVM\'s "There is insufficient memory for the Java Runtime\n',
    b'  # Environment to continue" and heap exhaustion; fork/mmap refused with ENOMEM ("OSError: [Errno 12] Cannot allocate\n',
    b'  # memory", torch "unable to mmap N bytes from file ...: Cannot allocate memory (12)", bash "fork: Cannot allocate\n',
    b'  # memory"; llama.cpp\'s "failed to mlock ...: Cannot allocate memory" is a warning and is not matched); Ollama\'s check before\n',
    b'  # it loads a model ("Error: model requires more system memory (164.8 GiB) than is available (13.4 GiB)"), OpenCL\'s\n',
    b'  # CL_OUT_OF_HOST_MEMORY (LightGBM "Out of Host Memory")\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?m)(?:^(?:\\[[^\\]\\n]*\\]:? |[\\w.-]+: )?MemoryError\\b|\\bMemoryError: |_ArrayMemoryError: Unable to allocate|Unable to allocate [\\d.]+ [KMGTPE]?i?B for an array|There is insufficient memory for the Java Runtime Environment|java\\.lang\\.OutOfMemoryError: (?:Java heap space|GC overhead limit exceeded)|\\[Errno 12\\] Cannot allocate memory|unable to mmap \\d+ bytes[^\\n]*: Cannot allocate memory|: Cannot allocate memory \\(12\\)|\\bfork: (?:retry: )?Cannot allocate memory|std::bad_alloc|DefaultCPUAllocator: (?:not enough memory|can''t allocate memory)|(?:failed|unable) to allocate CPU buffer|\\bTorch: not enough memory: you tried to allocate|posix_memalign\\([^\\n]*\\) == 0\\. 12 vs 0|mkl_malloc: failed to allocate memory|\\bMemory isn''t enough and alloc failed|\\bOut of Host Memory\\b|\\bCL_OUT_OF_HOST_MEMORY\\b|\\bmodel requires more system memory \\([\\d.]+ [KMGT]i?B\\) than is available)'\n",
    b'- containerExitCode: 239\n',
    b'  phrase: ContainerRendezvousFailed\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached'\n",
    b'  patterns:\n',
    b'  # the c10d store timed out before NCCL ran (so before the collective entry, which reads DistBackendError):\n',
    b'  # "[1] is setting up NCCL communicator and retrieving ncclUniqueId from [0] via c10d key-value store by key\n',
    b'  # \'0\', but store->get(\'0\') got error: Socket Timeout" (older torch spells it "retreiving"), "Timed out\n',
    b'  # initializing process group in store based barrier", DistStoreError "Timed out after 901 seconds waiting\n',
    b'  # for clients"\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:is setting up [NH]CCL communicator and retr(?:ie|ei)ving [nh]cclUniqueId from \\[\\d+\\] via c10d key-value store|(?i:timed out initializing process group in store[ -]based barrier)|DistStoreError\\b|Wait timeout after \\d+ seconds for key\\(s\\): )'\n",
    b'- containerExitCode: 238\n',
    b'  phrase: ContainerCollectiveCommunicationFailed\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'a collective communication operation (NCCL, gloo, MPI, Horovod) failed or timed out: a peer died, the network failed or the communicator was set up wrong'\n",
    b'  patterns:\n',
    b'  # NCCL/gloo: watchdog timeouts, "NCCL error in:", ncclSystemError, gloo "Connection closed by peer", NCCL\'s\n',
    b'  # own socket and bootstrap warnings ("NCCL WARN socketProgressOpt: Call to recv from ... failed : Broken pipe")\n',
    b'  - exitCode: 1\n',
    b'    userLogRegex: *collective\n',
    b'- containerExitCode: 239\n',
    b'  phrase: ContainerRendezvousFailed\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached'\n",
    b'  patterns:\n',
    b'  # the rendezvous / MASTER_ADDR store unreachable: DistNetworkError, RendezvousConnectionError,\n',
    b'  # "The client socket has timed out after 600000ms while trying to connect to (10.0.0.1, 29500)"\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?m)(?:DistNetworkError|Rendezvous\\w*Error(?::|\\(|$)|The client socket has timed out after|(?:Error|Exception): The client socket has failed to connect|(?:Error|Exception): The server socket has failed to listen on any local network address|TCP client failed to connect|failed to connect to any network address of|\\[E [^]\\n]*\\] \\[c10d\\] The client socket has failed to connect|connect\\(\\) timed out|(?i:(?:Error|Exception): Socket Timeout\\b|Timed out after \\d+ seconds waiting for (?:clients|workers)|wait timeout (?:after \\d+ ?ms, keys:|for key\\(s\\): ))|TCPStore\\b[^\\n]*timed out|Stop_waiting response is expected|The connection to the C10d store has failed|(?:DistNetworkError|DistStoreError|RuntimeError): [Ff]ailed to recv, got 0 bytes|Error initializing torch\\.distributed using \\w+:// rendezvous|DEADLINE_EXCEEDED: Barrier timed out\\. (?:Barrier_id|Id): |Stopping coordination service as cluster registration failed|Coordination service agent in error status: (?:DEADLINE_EXCEEDED|UNAVAILABLE)|(?:UnavailableError|UNAVAILABLE):[^\\n]*failed to connect to all addresses|(?:ORTE|PRTE) was unable to reliably start one or more daemons|ssh: Could not resolve hostname [^\\n]*: (?:Name or service not known|Temporary failure in name resolution|nodename nor servname)|(?s:_rendezvous_handler\\n.{0,600}?\\n(?:\\[rank\\d+\\]: ?)?[\\w.]*(?:Error|Exception): [^\\n]*(?:[Tt]imed out|refused|reset by peer|Broken pipe|Name or service not known|No route to host)))'\n",
    b'- containerExitCode: 134\n',
    b'  phrase: ContainerSigAbrtReceived\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'a process aborted (SIGABRT)'\n",
    b'  patterns:\n',
    b"  # a worker's SIGABRT as its launcher reports it (torchrun exitcode -6, mp.spawn, mpirun)\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:exitcode\\s*:\\s*-6\\b|\\bsignal: aborted\\b|Signal 6 \\(SIGABRT\\) received by PID|Fatal Python error: Aborted|terminated with signal SIGABRT|exits with return code = -6\\b|exited on signal 6 \\(Aborted\\)|is killed by signal: Aborted|died with <Signals\\.SIGABRT: 6>|exit codes of the workers are \\{[^}\\n]*SIGABRT\\(-6\\)|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\s*134\\b|returned non-zero exit status -6\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-6\\b))'\n",
    b'  # DeepSpeed\'s launcher exits -6 & 0xff = 250 after "exits with return code = -6"\n',
    b'  - exitCode: 250\n',
    b"    userLogRegex: '(?:exitcode\\s*:\\s*-6\\b|\\bsignal: aborted\\b|Signal 6 \\(SIGABRT\\) received by PID|Fatal Python error: Aborted|terminated with signal SIGABRT|exits with return code = -6\\b|exited on signal 6 \\(Aborted\\)|is killed by signal: Aborted|died with <Signals\\.SIGABRT: 6>|exit codes of the workers are \\{[^}\\n]*SIGABRT\\(-6\\)|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\s*134\\b|returned non-zero exit status -6\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-6\\b))'\n",
    b'- containerExitCode: 135\n',
    b'  phrase: ContainerSigBusReceived\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a worker died of SIGBUS (in a container, usually its shared memory /dev/shm is too small)'\n",
    b'  patterns:\n',
    b'  # a worker\'s SIGBUS as its launcher reports it: DataLoader "is killed by signal: Bus error. It is possible\n',
    b'  # that dataloader\'s workers are out of shared memory", its handler\'s "Unexpected bus error encountered in\n',
    b'  # worker", torchrun exitcode -7, mpirun signal 7, subprocess, DeepSpeed "exits with return code = -7"\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:is killed by signal:\\s+Bus error|\\bsignal: bus error\\b|Unexpected bus error encountered in worker|Caught signal 7 \\(Bus error|Fatal Python error: Bus error|exitcode\\s*:\\s*-7\\b|Signal 7 \\(SIGBUS\\) received by PID|exited on signal 7 \\(Bus error\\)|terminated with signal SIGBUS|died with <Signals\\.SIGBUS: 7>|exits with return code = -7\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-7\\b))'\n",
    b'  # DeepSpeed\'s launcher exits -7 & 0xff = 249 after "exits with return code = -7"\n',
    b'  - exitCode: 249\n',
    b"    userLogRegex: '(?:is killed by signal:\\s+Bus error|\\bsignal: bus error\\b|Unexpected bus error encountered in worker|Caught signal 7 \\(Bus error|Fatal Python error: Bus error|exitcode\\s*:\\s*-7\\b|Signal 7 \\(SIGBUS\\) received by PID|exited on signal 7 \\(Bus error\\)|terminated with signal SIGBUS|died with <Signals\\.SIGBUS: 7>|exits with return code = -7\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-7\\b))'\n",
    b'# a worker\'s SIGILL / SIGFPE as its launcher reports it: Go\'s os/exec (ollama\'s "llama runner process has terminated:\n',
    b'# signal: illegal instruction (core dumped)", a CPU without the AVX the build assumes), torchrun exitcode -4 / -8, mpirun,\n',
    b'# fish\'s "terminated by signal SIGILL (Illegal instruction)"; after every diagnosis from the log, as the other signals\n',
    b'- containerExitCode: 132\n',
    b'  phrase: ContainerSigIllReceived\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a process was killed by SIGILL (an illegal instruction: usually a build for a newer CPU, e.g. AVX)'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:\\bsignal: illegal instruction\\b|terminated by signal SIGILL\\b|exitcode\\s*:\\s*-4\\b|Signal 4 \\(SIGILL\\) received by PID|exited on signal 4 \\(Illegal instruction\\)|died with <Signals\\.SIGILL: 4>|exits with return code = -4\\b|returned non-zero exit status -4\\b)'\n",
    b'  # DeepSpeed\'s launcher exits -4 & 0xff = 252 after "exits with return code = -4"\n',
    b'  - exitCode: 252\n',
    b"    userLogRegex: '(?:\\bsignal: illegal instruction\\b|terminated by signal SIGILL\\b|exitcode\\s*:\\s*-4\\b|Signal 4 \\(SIGILL\\) received by PID|exited on signal 4 \\(Illegal instruction\\)|died with <Signals\\.SIGILL: 4>|exits with return code = -4\\b|returned non-zero exit status -4\\b)'\n",
    b'- containerExitCode: 136\n',
    b'  phrase: ContainerSigFpeReceived\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a process was killed by SIGFPE (an integer division by zero or overflow)'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:\\bsignal: floating point exception\\b|terminated by signal SIGFPE\\b|exitcode\\s*:\\s*-8\\b|Signal 8 \\(SIGFPE\\) received by PID|exited on signal 8 \\(Floating point exception\\)|died with <Signals\\.SIGFPE: 8>|exits with return code = -8\\b|returned non-zero exit status -8\\b)'\n",
    b'  # DeepSpeed\'s launcher exits -8 & 0xff = 248 after "exits with return code = -8"\n',
    b'  - exitCode: 248\n',
    b"    userLogRegex: '(?:\\bsignal: floating point exception\\b|terminated by signal SIGFPE\\b|exitcode\\s*:\\s*-8\\b|Signal 8 \\(SIGFPE\\) received by PID|exited on signal 8 \\(Floating point exception\\)|died with <Signals\\.SIGFPE: 8>|exits with return code = -8\\b|returned non-zero exit status -8\\b)'\n",
    b'- containerExitCode: 242\n',
    b'  phrase: ContainerDiskFull\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'a filesystem the job writes to is full, or its quota is exceeded'\n",
    b'  patterns:\n',
    b'  # ENOSPC / EDQUOT: "OSError: [Errno 28] No space left on device", "[Errno 122] Disk quota exceeded",\n',
    b'  # safetensors "kind: StorageFull", torch.save "PytorchStreamWriter failed writing file" and, closing the file,\n',
    b'  # "[enforce fail at inline_container.cc:603] . unexpected pos 2368 vs 2262"; Go\'s lower-case "no space left on\n',
    b'  # device"; Hugging Face datasets\' own check "OSError: Not enough disk space. Needed: 134.92 GiB"; tar (exit 2)\n',
    b'  # "Wrote only 4608 of 10240 bytes"\n',
    b'  - exitCode: 1\n',
    b'    userLogRegex: *diskfull\n',
    b'  - exitCode: 2\n',
    b'    userLogRegex: *diskfull\n',
    b'  # git\'s "fatal: write error: No space left on device" (clone, fetch, LFS checkout) goes through die(): 128\n',
    b'  - exitCode: 128\n',
    b'    userLogRegex: *diskfull\n',
    b'  # a frozen (PyInstaller) tool exits 255 after its traceback ("Failed to execute script docker-compose")\n',
    b'  - exitCode: 255\n',
    b'    userLogRegex: *diskfull\n',
    b'- containerExitCode: 243\n',
    b'  phrase: ContainerCorruptCheckpoint\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a checkpoint or model file is truncated or corrupt'\n",
    b'  patterns:\n',
    b'  # torch.load "PytorchStreamReader failed reading zip archive", "unexpected EOF ... might be corrupted",\n',
    b'  # safetensors "Error while deserializing header", pickle "pickle data was truncated" / "invalid load key",\n',
    b'  # transformers "OSError: Unable to load weights from pytorch checkpoint file" (its torch.load failed) and\n',
    b'  # "You seem to have cloned a repository without having git-lfs installed" (a weights file is an LFS pointer)\n',
    b'  - exitCode: 1\n',
    b'    userLogRegex: *corrupt\n',
    b'- containerExitCode: 244\n',
    b'  phrase: ContainerTrainingDiverged\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'training diverged: the loss became NaN or inf, or the loss scale hit its minimum'\n",
    b'  patterns:\n',
    b'  # loss guards: "Loss is nan, stopping training", fairseq "Minimum loss scale reached", DeepSpeed\n',
    b'  # "Current loss scale already at minimum", autograd anomaly mode "returned nan values", detectron2\n',
    b'  # "FloatingPointError: Loss became infinite or NaN", Megatron "found NaN in local grad norm", TensorFlow\'s\n',
    b'  # NanTensorHook "NanLossDuringTrainingError: NaN loss during training."\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?i)(?:loss is (?:nan|inf)\\b|the loss returned in .training_step. is (?:tensor\\()?(?:nan|-?inf)\\b|detected nan and/or inf values in .|tensor had (?:nan|inf) values|invalid loss, terminating training|loss becomes? (?:infinite|nan|inf)\\b|Minimum loss scale reached|Current loss scale already at minimum|outputs? is NAN|returned nan values in its \\d+(?:st|nd|rd|th) output|non-finite loss|loss is not finite|Loss became infinite or NaN|found (?:NaN|Inf) in local (?:grad norm|forward loss)|NanLossDuringTrainingError|Model diverged with loss = (?:NaN|nan|inf|Inf)|\\bFloatingPointError: |(?:training|model) diverged\\b[^\\n]{0,40}\\bnan\\b|(?:nan detected in (?:the )?loss|(?:nan|inf) loss (?:detected|encountered)|loss (?:became|has become|went to) (?:nan|inf)\\b)[^\\n]{0,60}\\b(?:abort|stop|terminat|exit))'\n",
    b'# The Hub answers 401 for a repository that does not exist as it does for one the job may not read; when\n',
    b'# huggingface_hub or transformers say it does not exist, it is the missing model (229), not a permission.\n',
    b'- containerExitCode: 229\n',
    b'  phrase: ContainerIncorrectDataModelError\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'input data or a model file is missing or unreadable'\n",
    b'  patterns:\n',
    b'  # (the later 229 entry leaves these out: this entry, tried first, decides them)\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:\\b(?:Repository|Revision|Entry)NotFoundError: |is not a local folder and is not a\\s+valid model identifier)'\n",
    b'- containerExitCode: 245\n',
    b'  phrase: ContainerDataPermissionDenied\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the job may not read or write a file or directory it needs'\n",
    b'  patterns:\n',
    b'  # data or output the job may not read or write: EACCES, EPERM, EROFS, S3 AccessDenied and "An error occurred\n',
    b'  # (403) when calling the HeadObject operation: Forbidden", GCS "403 ... does not have storage.objects.get access"\n',
    b'  # S3 / boto and s3fs ("InvalidAccessKeyId", "SignatureDoesNotMatch", "Unable to locate credentials"), Hugging Face\n',
    b'  # "401 Client Error: Unauthorized for url" (but see the 229 entry just before: the Hub also answers 401 for a\n',
    b'  # repository that does not exist), Azure "This request is not authorized to perform this operation"\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:\\bPermissionError: |\\[WinError 5\\] Access is denied|\\[Error 5\\] Access is denied|(?:Error|error|Exception):? \\[Errno 13\\] Permission denied: |\\[Errno 1\\] Operation not permitted: |\\[Errno 30\\] Read-only file system|(?:An error occurred|A client error) \\((?:AccessDenied|403|401|Forbidden|Unauthorized|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AllAccessDisabled|AccountProblem)\\)|does not have storage\\.(?:objects|buckets)\\.\\w+ access|google\\.api_core\\.exceptions\\.(?:Forbidden: 403|Unauthorized: 401)|AccessDeniedException: 403|Unable to locate credentials\\b|PermissionError: (?:Access Denied|Forbidden|The AWS Access Key Id you provided|The request signature we calculated)|\\b40[13] Client Error: (?:Unauthorized|Forbidden) for url|HTTP Error 40[13]: (?:Forbidden|Unauthorized)|GatedRepoError\\b|Cannot access gated repo for url|You are trying to access a gated repo|This request is not authorized to perform this operation|fatal: could not create (?:work tree dir|leading directories of) [^\\n]*: Permission denied|\\b(?:cannot|can''t|could not|couldn''t|unable to|failed to) [^\\n]*: Permission denied\\b|(?m:^(?:tee|cat|touch|mkdir|cp|mv|rm|ln|chmod|chown|install|tar|unzip|head|tail|sed|sort|rsync): [^\\n]*: (?:Permission denied|Read-only file system)$)|error message = .Permission denied.|\\bPermissionDeniedError: |\\bPERMISSION_DENIED: |ErrorCode:\\s*(?:AuthorizationPermissionMismatch|AuthorizationFailure|AuthenticationFailed)\\b|\\bDefaultCredentialsError: |java\\.nio\\.file\\.AccessDeniedException)'\n",
    b'  # the tools that fetch data exit with their own codes: git\'s die() 128 ("fatal: could not create work tree dir\n',
    b'  # \'x\': Permission denied"), the aws CLI v1 255 when the service refuses (its failed s3 transfers exit 1)\n',
    b'  - exitCode: 128\n',
    b"    userLogRegex: '(?:\\bPermissionError: |\\[WinError 5\\] Access is denied|\\[Error 5\\] Access is denied|(?:Error|error|Exception):? \\[Errno 13\\] Permission denied: |\\[Errno 1\\] Operation not permitted: |\\[Errno 30\\] Read-only file system|(?:An error occurred|A client error) \\((?:AccessDenied|403|401|Forbidden|Unauthorized|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AllAccessDisabled|AccountProblem)\\)|does not have storage\\.(?:objects|buckets)\\.\\w+ access|google\\.api_core\\.exceptions\\.(?:Forbidden: 403|Unauthorized: 401)|AccessDeniedException: 403|Unable to locate credentials\\b|PermissionError: (?:Access Denied|Forbidden|The AWS Access Key Id you provided|The request signature we calculated)|\\b40[13] Client Error: (?:Unauthorized|Forbidden) for url|HTTP Error 40[13]: (?:Forbidden|Unauthorized)|GatedRepoError\\b|Cannot access gated repo for url|You are trying to access a gated repo|This request is not authorized to perform this operation|fatal: could not create (?:work tree dir|leading directories of) [^\\n]*: Permission denied|\\b(?:cannot|can''t|could not|couldn''t|unable to|failed to) [^\\n]*: Permission denied\\b|(?m:^(?:tee|cat|touch|mkdir|cp|mv|rm|ln|chmod|chown|install|tar|unzip|head|tail|sed|sort|rsync): [^\\n]*: (?:Permission denied|Read-only file system)$)|error message = .Permission denied.|\\bPermissionDeniedError: |\\bPERMISSION_DENIED: |ErrorCode:\\s*(?:AuthorizationPermissionMismatch|AuthorizationFailure|AuthenticationFailed)\\b|\\bDefaultCredentialsError: |java\\.nio\\.file\\.AccessDeniedException)'\n",
    b'  - exitCode: 255\n',
    b"    userLogRegex: '(?:\\bPermissionError: |\\[WinError 5\\] Access is denied|\\[Error 5\\] Access is denied|(?:Error|error|Exception):? \\[Errno 13\\] Permission denied: |\\[Errno 1\\] Operation not permitted: |\\[Errno 30\\] Read-only file system|(?:An error occurred|A client error) \\((?:AccessDenied|403|401|Forbidden|Unauthorized|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AllAccessDisabled|AccountProblem)\\)|does not have storage\\.(?:objects|buckets)\\.\\w+ access|google\\.api_core\\.exceptions\\.(?:Forbidden: 403|Unauthorized: 401)|AccessDeniedException: 403|Unable to locate credentials\\b|PermissionError: (?:Access Denied|Forbidden|The AWS Access Key Id you provided|The request signature we calculated)|\\b40[13] Client Error: (?:Unauthorized|Forbidden) for url|HTTP Error 40[13]: (?:Forbidden|Unauthorized)|GatedRepoError\\b|Cannot access gated repo for url|You are trying to access a gated repo|This request is not authorized to perform this operation|fatal: could not create (?:work tree dir|leading directories of) [^\\n]*: Permission denied|\\b(?:cannot|can''t|could not|couldn''t|unable to|failed to) [^\\n]*: Permission denied\\b|(?m:^(?:tee|cat|touch|mkdir|cp|mv|rm|ln|chmod|chown|install|tar|unzip|head|tail|sed|sort|rsync): [^\\n]*: (?:Permission denied|Read-only file system)$)|error message = .Permission denied.|\\bPermissionDeniedError: |\\bPERMISSION_DENIED: |ErrorCode:\\s*(?:AuthorizationPermissionMismatch|AuthorizationFailure|AuthenticationFailed)\\b|\\bDefaultCredentialsError: |java\\.nio\\.file\\.AccessDeniedException)'\n",
    b"# a program the job runs through a shell (os.system, subprocess with shell=True, a launcher's command line) that does\n",
    b'# not exist, and the Python traceback it causes (GLEM\'s "sh: 1: /home/u/miniconda/envs/ct/bin/torchrun: not found" then\n',
    b'# "ValueError: Failed to operate ..."): the missing command is the root cause, OpenPAI\'s 220 "user command is invalid",\n',
    b"# also at exit 1. A shell's not-found line decides only when the program fails right after it (a traceback or an error\n",
    b"# within 6 lines) or when the missing command is a launcher or interpreter the job runs its work with; a probe's\n",
    b'# "sh: 1: nvidia-smi: not found" earlier in the log decides nothing. A child\'s status 127 reported by a launcher\n',
    b'# (subprocess "returned non-zero exit status 127") is the same, unless the dynamic loader could not start it (232 first)\n',
    b'- containerExitCode: 232\n',
    b'  phrase: ContainerImportError\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a Python module is missing'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: 'error while loading shared libraries: [^\\n]*: cannot open shared object file'\n",
    b'- containerExitCode: 220\n',
    b'  phrase: UserCommandExitWithError\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the user command does not exist or is not executable'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?m)(?:^(?:/(?:usr/)?bin/)?(?:sh|bash|dash)(?:: line \\d+|: \\d+)?: [^\\s:]+: (?:command )?not found *\\n(?:[^\\n]*\\n){0,5}?[^\\n]*(?:Traceback \\(most recent call last\\)|\\w(?:Error|Exception)\\b: )|(?:^|: )(?:(?:line )?\\d+: )?(?:[^\\s:]*/)?(?:torchrun|python[\\d.]*|deepspeed|accelerate|mpirun|mpiexec|horovodrun|srun|llamafactory-cli|colossalai): (?:command )?not found\\b|\\bzsh: command not found: (?:[^\\s:]*/)?(?:torchrun|python[\\d.]*|deepspeed|accelerate|mpirun|mpiexec|horovodrun|srun|llamafactory-cli|colossalai)\\b|returned non-zero exit status 127\\b)'\n",
    b'- containerExitCode: 228\n',
    b'  phrase: ContainerIncorrectParameterError\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the job was given a wrong parameter'\n",
    b'  patterns:\n',
    b'  # argparse: "train.py: error: unrecognized arguments: --lr" (exit 2)\n',
    b'  - exitCode: 2\n',
    b"    userLogRegex: '(?:error: unrecognized arguments:|error: the following arguments are required:|error: argument \\S+: (?:invalid|expected (?:one|at least one) argument)|(?m:^Error: (?:No such option: |Missing option |Missing argument |Invalid value for |Got unexpected extra arguments? )))'\n",
    b'  # the same usage error seen through a launcher that exits 1: torchrun\'s ChildFailedError ("exitcode: 2"),\n',
    b'  # accelerate / subprocess "returned non-zero exit status 2"; absl\'s "UnrecognizedFlagError: Unknown command line\n',
    b'  # flag", transformers\' HfArgumentParser "Some specified arguments are not used by the HfArgumentParser"\n',
    b'  - exitCode: 1\n',
    b'    userLogRegex: \'(?:error: unrecognized arguments:|error: the following arguments are required:|error: argument \\S+: (?:invalid|expected (?:one|at least one) argument)|UnrecognizedFlagError: Unknown command line flag|Some specified arguments are not used by the HfArgumentParser|Flags parsing error: |Could not override \'\'[^\'\'\\n]+\'\'\\.|Error merging override |: error: (?:Unrecognized arguments:|Parser key "))\'\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?i)\\bunknown option\\b'\n",
    b'  - exitCode: 2\n',
    b"    userLogRegex: '(?i)\\bunknown option\\b'\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '\\w\\(\\)(?: \\([^)\\n]*\\))? (?:got (?:multiple values for|an unexpected) (?:keyword )?argument ''|takes (?:from \\d+ to \\d+|\\d+|no) (?:positional |keyword )?arguments? but \\d+ (?:positional arguments? )?(?:was|were) given|missing \\d+ required (?:positional|keyword-only) arguments?: |takes (?:exactly|at most|at least) \\w+ (?:positional |keyword )?arguments? \\(\\d+ given\\)|takes no (?:keyword )?arguments|got some positional-only arguments passed as keyword arguments)'\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: 'InvalidArgumentError: '\n",
    b"# before 229: a save path whose directory is missing is the save path, not missing input data. torch.save's\n",
    b'# writer: "RuntimeError: Parent directory ckpts does not exist." (torch >= 1.13), older "File x.pt cannot be opened."\n',
    b'# under _open_zipfile_writer; TensorFlow\'s saver "Failed to create a NewWriteableFile: ..."\n',
    b'- containerExitCode: 230\n',
    b'  phrase: ContainerInvalidSavePath\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the checkpoint save path is invalid'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:ValueError: (?:Restore called with invalid save path|The passed save_path is not a valid checkpoint)|RuntimeError: Parent directory [^\\n]* does not exist\\.|(?s:_open_zipfile_writer.{0,400}?RuntimeError: File [^\\n]* cannot be opened\\.)|Failed to create a NewWriteableFile: )'\n",
    b'- containerExitCode: 229\n',
    b'  phrase: ContainerIncorrectDataModelError\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'input data or a model file is missing or unreadable'\n",
    b'  patterns:\n',
    b"  # a model or dataset the Hub cannot deliver and the cache does not hold: huggingface_hub's LocalEntryNotFoundError\n",
    b'  # ("Connection error, and we cannot find the requested files in the disk cache"), transformers\' "We couldn\'t connect\n',
    b'  # to \'https://huggingface.co\' to load this file", datasets\' "Couldn\'t reach \'x\' on the Hub (ConnectionError)": the\n',
    b'  # input is missing here; usually a node without Internet access or a proxy, which fails the same way again\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:FileNotFoundError: |(?:IOError|OSError): \\[Errno 2\\] No such file or directory|(?:IsADirectoryError|NotADirectoryError): \\[Errno 2[01]\\]|NotFoundError: [^\\n]*; No such file or directory|does not appear to have a file named |Error no file named [^\\n]* found in directory|Can''t load (?:tokenizer|the configuration|config|the model|weights|feature extractor|image processor|processor) for |\\bDatasetNotFoundError: |Dataset not found or corrupted\\. You can use download=True|File not found: filepath=[^\\n]*Please ensure the file is an accessible .\\.keras. zip file|\\bLocalEntryNotFoundError: |We couldn''t connect to ''https?://[^''\\n]+'' to load th|\\bOfflineModeIsEnabled: |Couldn''t reach [^\\n]* on the Hub \\()'\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '\\bUnicode(?:En|De)codeError: '\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: 'EOFError: Ran out of input'\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?i)perhaps your file is in a different file format'\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?i)input/output error'\n",
    b'# 232 before 231: runpy\'s "Error while finding module specification for \'x\' (AttributeError: ...)" is the module\n',
    b'- containerExitCode: 232\n',
    b'  phrase: ContainerImportError\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a Python module is missing'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?m)(?:\\b(?:ImportError|ModuleNotFoundError):(?: |$)|DistributionNotFound: The |PackageNotFoundError: No package metadata was found for |\\b(?:OSError|NotFoundError): [^\\n]*(?:cannot open shared object file|undefined symbol: ))'\n",
    b'  # "python -m X" with X missing: "/usr/bin/python3: No module named X" (no exception name)\n',
    b'  - exitCode: 1\n',
    b'    userLogRegex: \'(?im)(?:^(?:\\[[^\\]\\n]*\\]:? |[\\w.-]+: )?\\S*python[\\w.]*: no module named \\S|^(?:\\[[^\\]\\n]*\\]:? |[\\w.-]+: )?No module named [\\w\'\'"]|Error while finding (?:module )?spec(?:ification)? for |__path__ attribute not found on )\'\n',
    b'- containerExitCode: 231\n',
    b'  phrase: ContainerSyntaxError\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the job''s code has a syntax or name error'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '\\b(?:SyntaxError|IndentationError|TabError): '\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '\\bUnpicklingError\\b'\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: 'AttributeError: .* has no attribute '''\n",
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:NameError: name ''[^''\\n]*'' is not defined|UnboundLocalError: )'\n",
    b'- containerExitCode: 233\n',
    b'  phrase: ContainerIndexOutOfRange\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'an index was out of range'\n",
    b'  patterns:\n',
    b'  # IndexError from lists, numpy ("index 5 is out of bounds for axis 0 with size 5") and PyTorch ("... for\n',
    b'  # dimension 0", "Dimension out of range"); PyTorch before 1.0 raised them as RuntimeError\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:\\bIndexError: |RuntimeError: index -?\\d+ is out of bounds for dimension|RuntimeError: index out of range at )'\n",
    b'- containerExitCode: 234\n',
    b'  phrase: ContainerSigvFault\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a process crashed (segmentation fault)'\n",
    b'  patterns:\n',
    b"  # a launcher (torchrun, mpirun, DeepSpeed: exit 245, a shell script, loky) reporting a worker's segfault;\n",
    b'  # loky\'s "This could be caused by a segmentation fault ... or by an excessive memory usage" is its guess,\n',
    b'  # not a segfault: its worker exit codes decide\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?im)(?:(?:^|[^ \\n]|(?:^|[^a\\n]) )segmentation fault|exit codes of the workers are \\{[^}\\n]*SIGSEGV\\(-11\\)|Signal 11 \\(SIGSEGV\\)|exited on signal 11|exitcode\\s*:\\s*-11\\b|terminated with signal SIGSEGV|exits with return code = -11\\b|died with <Signals\\.SIGSEGV: 11>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\s*139\\b|returned non-zero exit status -11\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-11\\b))'\n",
    b'  - exitCode: 245\n',
    b"    userLogRegex: '(?im)(?:(?:^|[^ \\n]|(?:^|[^a\\n]) )segmentation fault|exit codes of the workers are \\{[^}\\n]*SIGSEGV\\(-11\\)|Signal 11 \\(SIGSEGV\\)|exited on signal 11|exitcode\\s*:\\s*-11\\b|terminated with signal SIGSEGV|exits with return code = -11\\b|died with <Signals\\.SIGSEGV: 11>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\s*139\\b|returned non-zero exit status -11\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-11\\b))'\n",
    b'- containerExitCode: 235\n',
    b'  phrase: ContainerEngineCoreDump\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'a process dumped core'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?i)\\(core dumped\\)'\n",
    b'# the c10d store lost its connection mid-run: TCPStore\'s "[c10d] recvValue failed on SocketImpl(...): Connection reset\n',
    b'# by peer" warning and "Exception raised from recvBytes at .../c10d/Utils.hpp"; the store went away (its host rank died or\n',
    b'# the network broke): tried last, so any diagnosis of why a peer died wins\n',
    b'- containerExitCode: 239\n',
    b'  phrase: ContainerRendezvousFailed\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:\\[c10d\\] \\w+ failed on SocketImpl\\(|JAX distributed service detected fatal errors\\. This most likely indicates that another task died|heartbeat timeout\\. This indicates that the remote task|Failed to send RPC to coordination service|\\[c10d\\] The client socket has failed to connect to [^\\n]*\\(errno: 11[013]\\b|Exception raised from (?:recvBytes|sendBytes|recvValue|recvVector) at [^\\n]*c10d/Utils\\.hpp)'\n",
    b'# Horovod\'s "Horovod has been shut down. This was caused by an exception on one of the ranks ..." is what the other\n',
    b"# ranks print after one failed: a symptom, so last; a diagnosis of that rank's own exception comes first\n",
    b'- containerExitCode: 238\n',
    b'  phrase: ContainerCollectiveCommunicationFailed\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'a collective communication operation (NCCL, gloo, MPI, Horovod) failed or timed out: a peer died, the network failed or the communicator was set up wrong'\n",
    b'  patterns:\n',
    b'  - exitCode: 1\n',
    b"    userLogRegex: '(?:Horovod has been shut down\\. This (?:was|has been) ca|\\bUCX +ERROR\\b)'\n",
    b'\n',
    b'# codes the runtime issues itself (never matched from logs)\n',
    b'- containerExitCode: 236\n',
    b'  phrase: PAIRuntimeRunningThresholdExceeded\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'the job ran longer than its running threshold'\n",
    b'  patterns: []\n',
    b'- containerExitCode: 250\n',
    b'  phrase: FrameworkBarrierTransientFailed\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'the framework barrier failed transiently'\n",
    b'  patterns: []\n',
    b'- containerExitCode: 251\n',
    b'  phrase: JobGangAllocationTimeout\n',
    b'  behavior: TRANSIENT_CONFLICT\n',
    b"  reason: 'not every task of the gang was allocated in time'\n",
    b'  patterns: []\n',
    b'- containerExitCode: 252\n',
    b'  phrase: FrameworkBarrierPermanentFailed\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the framework barrier failed permanently'\n",
    b'  patterns: []\n',
    b'- containerExitCode: 253\n',
    b'  phrase: ContainerPortConflict\n',
    b'  behavior: TRANSIENT\n',
    b"  reason: 'a port the job needs is taken'\n",
    b'  patterns: []\n',
    b'- containerExitCode: 254\n',
    b'  phrase: ContainerImageNotExists\n',
    b'  behavior: PERMANENT\n',
    b"  reason: 'the image does not exist or cannot be pulled'\n",
    b'  patterns: []\n',
    b'- containerExitCode: 255\n',
    b'  phrase: PAIRuntimeUnknownFailed\n',
    b'  behavior: UNKNOWN\n',
    b"  reason: 'the failure matched no exit spec entry'\n",
    b'  patterns: []\n',
)
FORMAT = 'runtime'
#: ``spec.installed_body``: the installed copy after its head, ``"".join(INSTALLED_LINES)``
INSTALLED_LINES = (
    '{\n',
    '"defaultExitCode": 255,\n',
    '"defaultPhrase": "PAIRuntimeUnknownFailed",\n',
    '"entries": [\n',
    '{"containerExitCode": 128, "phrase": "ContainerMayFailDueToGpuDeviceEccError", "behavior": "UNKNOWN", "reason": "a GPU of this node reports double-bit (uncorrectable) ECC errors", "patterns": [{"gpuInfo": {"nvidiaDoubleEccError": true}}]},\n',
    '{"containerExitCode": 223, "phrase": "ContainerCudaUncorrectableECCError", "behavior": "TRANSIENT", "reason": "the GPU reported an uncorrectable hardware error (ECC, NVLink) or fell off the bus (a hardware fault)", "patterns": [{"exitCode": 1, "userLogRegex": "(?i)(?:CUDA_ERROR_ECC_UNCORRECTABLE|uncorrectable ECC error encountered|cudaErrorECCUncorrectable|uncorrectable NVLink error|CUDA_ERROR_NVLINK_UNCORRECTABLE|cudaErrorNvlinkUncorrectable|GPU has fallen off the bus|GPU is lost\\\\. Reboot the system|Unable to determine the device handle for GPU ?[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\\\.\\\\d: (?:GPU is lost|Unknown Error)|\\\\bXid \\\\([^)\\\\n]*\\\\): (?:48|64|74|79|94|95)\\\\b|hbm Multi-bit ECC error|reason=\\\\[?(?:suspect )?device mem error|\\\\bUCE ERROR\\\\b)"}, {"exitCode": 134, "userLogRegex": "(?i)(?:CUDA_ERROR_ECC_UNCORRECTABLE|uncorrectable ECC error encountered|cudaErrorECCUncorrectable|uncorrectable NVLink error|CUDA_ERROR_NVLINK_UNCORRECTABLE|cudaErrorNvlinkUncorrectable|GPU has fallen off the bus|GPU is lost\\\\. Reboot the system|Unable to determine the device handle for GPU ?[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\\\.\\\\d: (?:GPU is lost|Unknown Error)|\\\\bXid \\\\([^)\\\\n]*\\\\): (?:48|64|74|79|94|95)\\\\b|hbm Multi-bit ECC error|reason=\\\\[?(?:suspect )?device mem error|\\\\bUCE ERROR\\\\b)"}]},\n',
    '{"containerExitCode": 226, "phrase": "ContainerCudaOOMKilled", "behavior": "PERMANENT", "reason": "the GPU ran out of memory", "patterns": [{"exitCode": 134, "userLogRegex": "(?i)(?:CUDA out of memory|cuda runtime error \\\\(2\\\\) : out of memory|\\\\b(?:cuda|hip)(?: driver| runtime)? (?:failure|error|failed)\\\\b[^\\\\n]{0,40}?\\\\bout of memory\\\\b|cudaMalloc\\\\w*(?: retry)? failed: out of memory|(?:failed|unable) to allocate (?:CUDA|ROCm|Vulkan|Metal|SYCL|MUSA|CANN|OpenCL|HIP|Kompute)\\\\d* buffer|BFCArena::AllocateRawInternal[^\\\\n]*Failed to allocate memory for requested buffer|Requested amount of GPU memory \\\\(\\\\d+ bytes\\\\) could not be allocated|cupy\\\\.cuda\\\\.memory\\\\.OutOfMemoryError|No executable batch size found, reached zero|CUDA error: out of memory|(?:^|[^:\\\\n] |[^ \\\\n])CUDA_ERROR_OUT_OF_MEMORY|Cuda failure .out of memory.|THCudaCheck FAIL [^\\\\n]*: out of memory|torch\\\\.(?:cuda\\\\.)?OutOfMemoryError|Resource[ _]exhausted: [^\\\\n]*(?:Out of memory|Failed to allocate|Attempting to (?:reserve|allocate) [^\\\\n]*That was not possible)|ResourceExhaustedError: [^\\\\n]*(?:Failed to allocate|Attempting to (?:reserve|allocate))|Out of memory while trying to allocate \\\\d+ bytes|Error allocating device buffer: Attempting to allocate|No available memory for the cache blocks|Check failed: error == cudaSuccess \\\\(2 vs\\\\. 0\\\\)\\\\s+out of memory|larger than the maximum number of tokens that can be stored in KV cache|KV cache is needed, which is larger than the available KV cache memory|Free memory on device [^\\\\n]*is less than desired GPU memory utilization|Not enough memory to handle \\\\d+ (?:total |prefill )?tokens|HIP out of memory|hipErrorOutOfMemory|cudaErrorMemoryAllocation|would exceed allowed memory\\\\. \\\\(out of memory\\\\)|Not enough memory\\\\. Please try to increase --mem-fraction-static|Resource exhausted: Out\\\\s+of memory|Out of memory error on \\\\w+[ :]?\\\\d+|paddle::memory::allocation::BadAlloc\\\\b|\\\\bout of memory(?: \\\\([^()\\\\n]{0,200}\\\\))?\\\\. ?(?:\\\\w+ )?tried to allocate\\\\b|\\\\b(?:NPU|XPU|HPU|MLU|MUSA|GCU|DCU|IPU|SDAA) out of memory\\\\b|MPS backend out of memory|\\\\bEL0004\\\\b|Memory_Allocation_Failure\\\\(EL\\\\d{4}\\\\)|ACL_ERROR_RT_MEMORY_ALLOCATION|error code is 207001\\\\b|Ran out of memory in memory space \\\\w+|Exceeded (?:hbm|vmem|smem|cmem) capacity by|Cuda Runtime \\\\(out of memory\\\\)|Error Code 2: OutOfMemory\\\\b|Device(?:\\\\(id:\\\\d+\\\\))? memory isn\'t enough and alloc failed|MODULE:PT_DEVMEM Allocation failed|\\\\bCUDA: out of memory\\\\b|ErrStr:out of memory\\\\b|\\\\b(?:UR_RESULT_ERROR|ZE_RESULT_ERROR|VK_ERROR|PI_ERROR)_OUT_OF_DEVICE_MEMORY\\\\b|\\\\bErrorOutOfDeviceMemory\\\\b|Device memory allocation of size \\\\d+ failed|kIOGPUCommandBufferCallbackErrorOutOfMemory|\\\\[(?:metal::malloc|malloc_or_wait)\\\\] (?:Unable to allocate|Resource limit)|Error \\\\[(?:CUDA|HIP)\\\\]: out of memory|not enough GPU video memory available|\\\\bout_of_memory: (?:CUDA error|RMM failure)\\\\b|RMM failure at:[^\\\\n]*: Maximum pool size exceeded|\\\\bRMM_ERROR_OUT_OF_MEMORY\\\\b|\\\\bMemory allocation error on worker \\\\d+: |\\\\bMemory Object Allocation Failure\\\\b|\\\\bCL_MEM_OBJECT_ALLOCATION_FAILURE\\\\b|\\\\bCUDA runtime error in [^\\\\n]{0,200}?: out of memory\\\\b)"}]},\n',
    '{"containerExitCode": 237, "phrase": "ContainerHostMemoryOOMKilled", "behavior": "PERMANENT", "reason": "the kernel\'s OOM killer ended a process (host memory, not GPU memory), or the process ran out of host memory", "patterns": [{"exitCode": 137, "platformLogRegex": "cgroup memory: the kernel\'s OOM killer killed \\\\d+ process"}, {"exitCode": 1, "platformLogRegex": "cgroup memory: the kernel\'s OOM killer killed \\\\d+ process"}, {"exitCode": 137, "userLogRegex": "(?:exited on signal 9 \\\\(Killed\\\\)|is killed by signal: Killed|Signal 9 \\\\(SIGKILL\\\\) received by PID|exitcode\\\\s*:\\\\s*-9\\\\b|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\\\s*137\\\\b|Detected \\\\d+ oom[-_]kill events?|killed by the cgroup out-of-memory handler|srun: error: [^\\\\n]*: tasks? [\\\\d,-]+: (?:Out Of Memory|Killed)\\\\b|Out of memory: Kill(?:ed)? process \\\\d+|oom-kill:constraint=|exit code 137 [(（]interrupted by signal 9[:：] ?SIGKILL[)）]|\\\\bOOMKilled\\\\b|\\\\bOOM-killed\\\\b|The node was low on resource: memory|Container killed by YARN for exceeding (?:physical |virtual )?memory limits|TERM_MEMLIMIT\\\\b|\\\\bexceeded memory limit \\\\(\\\\d+ > \\\\d+\\\\), being killed|(?i:\\\\b(?:exit(?:ed)?|exits|finished|terminated)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status)\\\\b\\\\s*[=:]?\\\\s*137\\\\b))"}, {"exitCode": 134, "userLogRegex": "(?:terminate called after throwing an instance of .std::bad_alloc.|what\\\\(\\\\):\\\\s+std::bad_alloc)"}]},\n',
    '{"containerExitCode": 225, "phrase": "ContainerCudaDnnVersionMismatch", "behavior": "PERMANENT", "reason": "the cuDNN library does not match this build or could not be loaded", "patterns": [{"exitCode": 134, "userLogRegex": "(?i)(?:dropout supported only in cudnn v|cuDNN version incompatibility|Loaded runtime CuDNN library: \\\\S+ but source was compiled with|(?:Unable to initialize backend \'(?:cuda|gpu)\'|Backend \'(?:cuda|gpu)\' failed to initialize): [^\\\\n]*(?:Found cuDNN version \\\\d+, but JAX was built against|Unable to load cuDNN\\\\b|issues with CUDA components:\\\\s*(?:\\\\S+\\\\s+)?Outdated cuDNN installation)|Could not load library libcudnn\\\\w*\\\\.so[.\\\\d]*\\\\.\\\\s+Error: |Unable to load any of \\\\{libcudnn|Invalid handle\\\\. Cannot load symbol cudnn\\\\w+|undefined symbol: cudnn\\\\w+)"}]},\n',
    '{"containerExitCode": 224, "phrase": "ContainerCudaVersionMismatch", "behavior": "PERMANENT", "reason": "the CUDA (or ROCm) build does not match this GPU or its driver: no kernel image for its architecture, a PTX or driver too new or too old", "patterns": [{"exitCode": 134, "userLogRegex": "(?i)(?:no kernel image is available for execution on the device|cudaErrorNoKernelImageForDevice|CUDA_ERROR_NO_BINARY_FOR_GPU|\\\\b(?:CUDA|HIP) error: invalid device function|hipErrorInvalidDeviceFunction|cudaErrorInvalidDeviceFunction|the provided PTX was compiled with an unsupported toolchain|CUDA_ERROR_UNSUPPORTED_PTX_VERSION|cudaErrorUnsupportedPtxVersion|forward compatibility was attempted on non supported HW|CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE|cudaErrorCompatNotSupportedOnDevice|system has unsupported display driver / cuda driver combination|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|cudaErrorSystemDriverMismatch|CUDA driver version is insufficient for CUDA runtime version|The NVIDIA driver on your system is too old|ptxas(?:-\\\\w+)? fatal\\\\s*: Value \'sm_\\\\w+\' is not defined for option \'gpu-name\'|CUDA Setup failed despite GPU being available|(?:Unable to initialize backend \'(?:cuda|gpu)\'|Backend \'(?:cuda|gpu)\' failed to initialize): [^\\\\n]*(?:Found (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) version \\\\d+, but JAX was built against|Outdated (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) installation)|The detected CUDA version \\\\([\\\\d.]+\\\\) mismatches the version that was used to compile\\\\s+PyTorch|Torch not compiled with CUDA enabled)"}]},\n',
    '{"containerExitCode": 240, "phrase": "ContainerCudaKernelFault", "behavior": "UNKNOWN", "reason": "a GPU kernel faulted or could not run: an illegal memory access, a device-side assertion, a launch the GPU cannot run", "patterns": [{"exitCode": 134, "userLogRegex": "(?:an illegal memory access was encountered|device-side assert triggered|misaligned address|an illegal instruction was encountered|unspecified launch failure|the launch timed out and was terminated|too many resources requested for launch|CUDA_ERROR_(?:ILLEGAL_ADDRESS|ILLEGAL_INSTRUCTION|MISALIGNED_ADDRESS|LAUNCH_FAILED|ASSERT|LAUNCH_TIMEOUT|LAUNCH_OUT_OF_RESOURCES|HARDWARE_STACK_ERROR)\\\\b|cudaError(?:IllegalAddress|IllegalInstruction|MisalignedAddress|LaunchFailure|Assert|LaunchTimeout|LaunchOutOfResources|HardwareStackError)\\\\b|hipError(?:IllegalAddress|LaunchFailure|Assert)\\\\b|\\\\.cu:\\\\d+: [^\\\\n]*Assertion `[^\\\\n]*` failed|block: \\\\[\\\\d+, ?\\\\d+, ?\\\\d+\\\\], thread: \\\\[\\\\d+, ?\\\\d+, ?\\\\d+\\\\] Assertion `|Memory access fault by GPU node-\\\\d+|HSA_STATUS_ERROR_(?:MEMORY_APERTURE_VIOLATION|MEMORY_FAULT|EXCEPTION|ILLEGAL_INSTRUCTION)\\\\b|triton\\\\.runtime\\\\.errors\\\\.OutOfResources: out of resource)"}]},\n',
    '{"containerExitCode": 241, "phrase": "ContainerCudaLibraryFailed", "behavior": "UNKNOWN", "reason": "a CUDA library call (cuBLAS, cuDNN, cuFFT, cuSOLVER, cuSPARSE, cuRAND) failed", "patterns": [{"exitCode": 134, "userLogRegex": "(?:Check failed: [^\\\\n]*CU(?:DNN|BLAS)_STATUS_|CUDNN_STATUS_(?:NOT_INITIALIZED|ALLOC_FAILED|BAD_PARAM|INTERNAL_ERROR|EXECUTION_FAILED|MAPPING_ERROR|NOT_SUPPORTED|ARCH_MISMATCH)|CUBLAS_STATUS_(?:NOT_INITIALIZED|ALLOC_FAILED|INVALID_VALUE|EXECUTION_FAILED|INTERNAL_ERROR|MAPPING_ERROR|NOT_SUPPORTED|ARCH_MISMATCH)|cuDNN error:|\\\\b(?:HIPBLAS|ROCBLAS|HIPBLASLT|HIPSPARSE|ROCSPARSE|HIPSOLVER|ROCSOLVER|HIPFFT|ROCFFT|HIPRAND|ROCRAND|CUTENSOR)_STATUS_[A-Z_]+|\\\\bmiopenStatus(?:NotInitialized|InvalidValue|BadParm|AllocFailed|InternalError|NotImplemented|UnknownError|UnsupportedOp|GpuOperationsSkipped|VersionMismatch)\\\\b|MIOpen Error: |rocBLAS error: |hipBLASLt error|cuBLASLt error)"}]},\n',
    '{"containerExitCode": 239, "phrase": "ContainerRendezvousFailed", "behavior": "TRANSIENT", "reason": "the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached", "patterns": [{"exitCode": 134, "userLogRegex": "(?:what\\\\(\\\\):\\\\s+(?:connect\\\\(\\\\) timed out|Socket Timeout|The client socket has timed out after|Timed out after \\\\d+ seconds waiting for clients)|terminate called after throwing an instance of .c10::Dist(?:Network|Store)Error.|JAX distributed service detected fatal errors\\\\. This most likely indicates that another task died|Wait timeout after \\\\d+ seconds for key\\\\(s\\\\): |heartbeat timeout\\\\. This indicates that the remote task)"}]},\n',
    '{"containerExitCode": 238, "phrase": "ContainerCollectiveCommunicationFailed", "behavior": "TRANSIENT", "reason": "a collective communication operation (NCCL, gloo, MPI, Horovod) failed or timed out: a peer died, the network failed or the communicator was set up wrong", "patterns": [{"exitCode": 134, "userLogRegex": "(?:Watchdog caught collective operation timeout|NCCL error(?: in)?:|DistBackendError|nccl(?:System|Internal|Remote|InvalidUsage|InvalidArgument|UnhandledCuda)Error|NCCL communicat(?:or was|ion) aborted|gloo[/\\\\\\\\]transport[/\\\\\\\\]\\\\w+[/\\\\\\\\][^\\\\n]*(?:Connection (?:closed|reset) by peer|Read error|Read timeout|Write timeout|Socket (?:unexpectedly )?closed|Timed out|Application timeout caused pair closure)|Gloo connectFullMesh failed|This is typically caused by a remote worker crashing\\\\. Check the logs of the remote worker|Application timeout caused pair closure|Timed out waiting \\\\d+ms for (?:recv|send) operation to complete|enforce fail at [^\\\\n]*gloo[/\\\\\\\\]|gloo::(?:EnforceNotMet|IoException|transport::\\\\w+::Pair)\\\\b|ProcessGroupGloo::(?:runLoop|\\\\w*[Ww]ait\\\\w*)\\\\b|NET/IB\\\\w* ?: ?Got completion from peer|net_ib\\\\.cc:\\\\d+ NCCL WARN NET/IB ?: (?:Got completion|[^G\\\\n ])|NCCL WARN [^\\\\n]*ibv_\\\\w+ failed|NCCL Error \\\\d+: |nccl\\\\w+ failed: (?:unhandled system error|unhandled cuda error|internal error|remote process exited|invalid usage|invalid argument)|NCCL WARN [^\\\\n]*(?:socketStartConnect|socketProgress|Connect to [^\\\\n]*failed|Connection (?:closed by remote peer|refused|reset by peer)|Broken pipe|Socket recv failed|[Bb]ootstrap)|== ncclSuccess \\\\(\\\\d+ vs\\\\. 0\\\\)|NCCL WARN Duplicate GPU detected|NCCL INFO [\\\\w./-]+\\\\.(?:cc|cu|h):\\\\d+ -> [1-6]\\\\b|ProcessGroupNCCL::(?:WorkNCCL::checkTimeout|ncclCommWatchdog|watchdogHandler|workCleanupLoop)\\\\b|Exception raised from (?:checkTimeout|ncclCommWatchdog|watchdogHandler|workCleanupLoop) at |[Ww]atchdog thread terminated with exception|[Hh]eartbeat monitor timed out|watchdog got stuck for \\\\d+ seconds|detected by watchdog at work: \\\\d+|Timeout at NCCL work: \\\\d+|last enqueued NCCL work: -?\\\\d+, last completed NCCL work: -?\\\\d+|Received a dump signal due to a collective timeout|Some NCCL operations have failed or timed out|HorovodInternalError\\\\b|An error occurred in MPI_\\\\w+|(?:Error|Exception|what\\\\(\\\\)):\\\\s+\\\\[[^\\\\]\\\\n]*\\\\bgloo[/\\\\\\\\]\\\\w+[/\\\\\\\\][^\\\\]\\\\n]*:\\\\d+\\\\] |HCCL function error ?: |OPS function error: [Hh]ccl\\\\w+|DIST call hccl api failed|\\\\bHCCL error in: |\\\\bE[IJ]\\\\d{4}: |\\\\[ERROR\\\\] HCCL\\\\(\\\\d+,|HCCL OP RETRY FAILED|failed to pass monitoredBarrier in \\\\d+ ms|timed out in monitoredBarrier|Fatal error in \\\\w+: [^\\\\n]*, error stack:|\\\\|CCL_ERROR\\\\| |oneCCL: [\\\\w.]+:\\\\d+ \\\\w+: |UCX +ERROR [^\\\\n]*(?:Transport retry count exceeded|[Ee]ndpoint timeout|Destination is unreachable|Connection reset by remote peer|Remote access error|Input/output error)|Transport retry count exceeded on \\\\w+:\\\\d+|\\\\[btl_tcp_\\\\w+\\\\.c:\\\\d+:mca_btl_tcp_\\\\w+\\\\] [^\\\\n]*failed|(?:ORTE|PRTE) has lost communication with|Collective ops is aborted by: (?:[^E\\\\n]|E[^n])|BaseCollectiveExecutor::StartAbort (?:Unavailable|UNAVAILABLE|Internal|INTERNAL|Deadline ?[Ee]xceeded|DEADLINE_EXCEEDED|Unknown|UNKNOWN): |Aborting Ring\\\\w+ with (?:Unavailable|UNAVAILABLE|Internal|INTERNAL|Deadline ?[Ee]xceeded|DEADLINE_EXCEEDED): |\\\\bMPI_ERR_[A-Z_]+\\\\b|(?i:nccl[^\\\\n]{0,80}?(?:unhandled (?:system|cuda) error|remote process exited or there was a network error|invalid usage)))"}]},\n',
    '{"containerExitCode": 242, "phrase": "ContainerDiskFull", "behavior": "UNKNOWN", "reason": "a filesystem the job writes to is full, or its quota is exceeded", "patterns": [{"exitCode": 134, "userLogRegex": "(?:(?i:no space left on device|disk quota exceeded)|\\\\[Errno 28\\\\]|\\\\[Errno 122\\\\]|kind: StorageFull|PytorchStreamWriter failed writing file|: Wrote only \\\\d+ of \\\\d+ bytes|inline_container\\\\.cc:\\\\d+\\\\] \\\\. ?unexpected pos \\\\d+ vs \\\\d+|Not enough disk space\\\\. Needed: |Not enough free space to write \\\\d+ bytes|database or disk is full|kind: FilesystemQuotaExceeded|\\\\[WinError 112\\\\]|There is not enough space on the disk|\\\\bENOSPC\\\\b[^\\\\n]{0,20}(?i:no space|space left|disk full)|\\\\bEDQUOT\\\\b)"}]},\n',
    '{"containerExitCode": 243, "phrase": "ContainerCorruptCheckpoint", "behavior": "PERMANENT", "reason": "a checkpoint or model file is truncated or corrupt", "patterns": [{"exitCode": 134, "userLogRegex": "(?:PytorchStreamReader failed (?:reading|locating file (?:data(?:\\\\.pkl|/\\\\d+)|version|byteorder))|Expected hasRecord\\\\(\\"version\\"\\\\) to be true|failed finding central directory|unexpected EOF[^\\\\n]*(?:might be corrupted|more bytes)|Error while deserializing header: \\\\w+|\\\\b(?:HeaderTooLarge|HeaderTooSmall|MetadataIncompleteBuffer|InvalidHeaderDeserialization|InvalidHeaderStart|InvalidHeaderLength)\\\\b|incomplete metadata, file not fully covered|\\\\bBadZip[Ff]ile: |inline_container\\\\.cc:\\\\d+\\\\] \\\\. file not found: \\\\w+/(?:data\\\\.pkl|version|byteorder)|Can\'t read data \\\\((?:wrong B-tree signature|inflate\\\\(\\\\) failed)|Unable to (?:synchronously )?open (?:file|object) \\\\((?:truncated file: eof = \\\\d+|file signature not found|bad (?:object header|symbol table|local heap|heap)[^)\\\\n]*)|(?:DataLossError|Data loss|DATA_LOSS): [^\\\\n]*(?:[Cc]hecksum does not match|truncated (?:record|block read)|corrupted record|file is too short to be an sstable|[Bb]lock checksum mismatch|[Uu]nexpected end of (?:data|file|stream|input))|model is corrupted or incomplete|gguf_init_from_file\\\\w*: invalid magic|INVALID_PROTOBUF : [^\\\\n]*Protobuf parsing failed|Load model from [^\\\\n]* failed: ?Protobuf parsing failed|(?:OutOfRangeError|Out of range|OUT_OF_RANGE): [^\\\\n]*Read less bytes than requested|Requested byte range \\\\[\\\\d+, ?\\\\d+\\\\) is not valid for value of size \\\\d+|ValidationError: Unable to parse proto from file: |DecodeError: Error parsing message|Unable to load weights from (?:pytorch )?checkpoint file|You seem to have cloned a repository without having git-lfs installed|pickle data was truncated|Invalid magic number; corrupt file|storage has wrong (?:byte )?size: expected (?:\\\\d+|%ld) got|invalid load key|(?s:serialization\\\\.py\\", line \\\\d+.{0,400}EOFError: Ran out of input))"}]},\n',
    '{"containerExitCode": 129, "phrase": "ContainerSigHupReceived", "behavior": "TRANSIENT", "reason": "stopped by SIGHUP (the terminal or session that started the job was closed)", "patterns": [{"exitCode": 129}, {"exitCode": 1, "userLogRegex": "(?:SignalException: Process \\\\d+ got signal: 1\\\\b|Received 1 death signal, shutting down workers)"}]},\n',
    '{"containerExitCode": 130, "phrase": "ContainerSigIntReceived", "behavior": "TRANSIENT", "reason": "killed by SIGINT", "patterns": [{"exitCode": 130}, {"exitCode": 1, "userLogRegex": "(?:SignalException: Process \\\\d+ got signal: 2\\\\b|Received 2 death signal, shutting down workers)"}]},\n',
    '{"containerExitCode": 131, "phrase": "ContainerSigQuitReceived", "behavior": "TRANSIENT", "reason": "killed by SIGQUIT", "patterns": [{"exitCode": 131}]},\n',
    '{"containerExitCode": 132, "phrase": "ContainerSigIllReceived", "behavior": "PERMANENT", "reason": "killed by SIGILL", "patterns": [{"exitCode": 132}]},\n',
    '{"containerExitCode": 134, "phrase": "ContainerSigAbrtReceived", "behavior": "UNKNOWN", "reason": "a process aborted (SIGABRT)", "patterns": [{"exitCode": 134}]},\n',
    '{"containerExitCode": 135, "phrase": "ContainerSigBusReceived", "behavior": "PERMANENT", "reason": "killed by SIGBUS", "patterns": [{"exitCode": 135}]},\n',
    '{"containerExitCode": 136, "phrase": "ContainerSigFpeReceived", "behavior": "PERMANENT", "reason": "killed by SIGFPE", "patterns": [{"exitCode": 136}]},\n',
    '{"containerExitCode": 137, "phrase": "ContainerSigKillReceived", "behavior": "TRANSIENT", "reason": "killed by SIGKILL", "patterns": [{"exitCode": 137}]},\n',
    '{"containerExitCode": 139, "phrase": "ContainerSigSegvReceived", "behavior": "UNKNOWN", "reason": "a process crashed (SIGSEGV)", "patterns": [{"exitCode": 139}]},\n',
    '{"containerExitCode": 141, "phrase": "ContainerSigPipeReceived", "behavior": "PERMANENT", "reason": "killed by SIGPIPE", "patterns": [{"exitCode": 141}]},\n',
    '{"containerExitCode": 143, "phrase": "ContainerSigTermReceived", "behavior": "TRANSIENT", "reason": "stopped by SIGTERM (the pod was stopped, preempted or evicted)", "patterns": [{"exitCode": 143}, {"exitCode": 1, "userLogRegex": "(?:SignalException: Process \\\\d+ got signal: 15\\\\b|Received 15 death signal, shutting down workers)"}]},\n',
    '{"containerExitCode": 249, "phrase": "PAIRuntimeSSHBarrierTimeout", "behavior": "PERMANENT", "reason": "the SSH barrier reached its retry limit", "patterns": [{"exitCode": 10, "platformLogRegex": "SSH barrier reaches max retry count"}]},\n',
    '{"containerExitCode": 232, "phrase": "ContainerImportError", "behavior": "PERMANENT", "reason": "a Python module is missing", "patterns": [{"exitCode": 127, "userLogRegex": "error while loading shared libraries: [^\\\\n]*: cannot open shared object file"}]},\n',
    '{"containerExitCode": 220, "phrase": "UserCommandExitWithError", "behavior": "PERMANENT", "reason": "the user command does not exist or is not executable", "patterns": [{"exitCode": 127, "userLogRegex": "(?i)(?:command not found|: not found\\\\b|: No such file or directory|executable file not found in \\\\$PATH)"}, {"exitCode": 1, "userLogRegex": "(?:mpirun|mpiexec|prterun) was unable to (?:find the specified executable file|launch the specified application as it could not (?:find|access or execute) an executable|start the specified application as it encountered an)"}, {"exitCode": 126, "userLogRegex": "(?i)(?:Permission denied|cannot execute)"}, {"exitCode": 2, "userLogRegex": "(?m)^(?:\\\\[[^\\\\]\\\\n]*\\\\]:? |[\\\\w.-]+: )?\\\\S*python[\\\\w.]*: can\'t open file [^\\\\n]*\\\\[Errno 2\\\\] No such file or directory"}, {"exitCode": 1, "userLogRegex": "(?m)^(?:\\\\[[^\\\\]\\\\n]*\\\\]:? |[\\\\w.-]+: )?\\\\S*python[\\\\w.]*: can\'t open file [^\\\\n]*\\\\[Errno 2\\\\] No such file or directory"}]},\n',
    '{"containerExitCode": 237, "phrase": "ContainerHostMemoryOOMKilled", "behavior": "PERMANENT", "reason": "the kernel\'s OOM killer ended a process (host memory, not GPU memory), or the process ran out of host memory", "patterns": [{"exitCode": 1, "userLogRegex": "(?:OOM when allocating tensor[^\\\\n]*?(?:/device:CPU:\\\\d+\\\\b|\\\\bby allocator (?:cpu|mklcpu|cpu_pool|cuda_host_bfc|gpu_host_bfc)\\\\b)|Allocator \\\\((?:cpu|mklcpu|cpu_pool|cuda_host_bfc|gpu_host_bfc)\\\\) ran out of memory trying to allocate [^\\\\n]*(?:requested by op|See logs for memory state|Current allocation summary follows))"}]},\n',
    '{"containerExitCode": 221, "phrase": "ContainerTensorflowOOMKilled", "behavior": "PERMANENT", "reason": "TensorFlow ran out of GPU memory", "patterns": [{"exitCode": 1, "userLogRegex": "ResourceExhaustedError\\\\b.*\\\\bOOM\\\\b"}, {"exitCode": 1, "userLogRegex": "(?i)ran out of memory trying to allocate [^\\\\n]*(?:requested by op|See logs for memory state)"}, {"exitCode": 1, "userLogRegex": "\\\\bOOM when allocating tensor\\\\b"}, {"exitCode": 1, "userLogRegex": "ResourceExhaustedError: [^\\\\n]*failed to allocate memory\\\\b"}, {"exitCode": 1, "userLogRegex": "Dst tensor is not initialized"}, {"exitCode": 1, "userLogRegex": "(?:CUDA runtime implicit initialization on GPU:\\\\d+ failed\\\\. Status: out of memory|failed initializing StreamExecutor for CUDA device ordinal \\\\d+: [^\\\\n]*CUDA_ERROR_OUT_OF_MEMORY)"}]},\n',
    '{"containerExitCode": 226, "phrase": "ContainerCudaOOMKilled", "behavior": "PERMANENT", "reason": "the GPU ran out of memory", "patterns": [{"exitCode": 1, "userLogRegex": "(?i)(?:CUDA out of memory|cuda runtime error \\\\(2\\\\) : out of memory|\\\\b(?:cuda|hip)(?: driver| runtime)? (?:failure|error|failed)\\\\b[^\\\\n]{0,40}?\\\\bout of memory\\\\b|cudaMalloc\\\\w*(?: retry)? failed: out of memory|(?:failed|unable) to allocate (?:CUDA|ROCm|Vulkan|Metal|SYCL|MUSA|CANN|OpenCL|HIP|Kompute)\\\\d* buffer|BFCArena::AllocateRawInternal[^\\\\n]*Failed to allocate memory for requested buffer|Requested amount of GPU memory \\\\(\\\\d+ bytes\\\\) could not be allocated|cupy\\\\.cuda\\\\.memory\\\\.OutOfMemoryError|No executable batch size found, reached zero|CUDA error: out of memory|(?:^|[^:\\\\n] |[^ \\\\n])CUDA_ERROR_OUT_OF_MEMORY|Cuda failure .out of memory.|THCudaCheck FAIL [^\\\\n]*: out of memory|torch\\\\.(?:cuda\\\\.)?OutOfMemoryError|Resource[ _]exhausted: [^\\\\n]*(?:Out of memory|Failed to allocate|Attempting to (?:reserve|allocate) [^\\\\n]*That was not possible)|ResourceExhaustedError: [^\\\\n]*(?:Failed to allocate|Attempting to (?:reserve|allocate))|Out of memory while trying to allocate \\\\d+ bytes|Error allocating device buffer: Attempting to allocate|No available memory for the cache blocks|Check failed: error == cudaSuccess \\\\(2 vs\\\\. 0\\\\)\\\\s+out of memory|larger than the maximum number of tokens that can be stored in KV cache|KV cache is needed, which is larger than the available KV cache memory|Free memory on device [^\\\\n]*is less than desired GPU memory utilization|Not enough memory to handle \\\\d+ (?:total |prefill )?tokens|HIP out of memory|hipErrorOutOfMemory|cudaErrorMemoryAllocation|would exceed allowed memory\\\\. \\\\(out of memory\\\\)|Not enough memory\\\\. Please try to increase --mem-fraction-static|Resource exhausted: Out\\\\s+of memory|Out of memory error on \\\\w+[ :]?\\\\d+|paddle::memory::allocation::BadAlloc\\\\b|\\\\bout of memory(?: \\\\([^()\\\\n]{0,200}\\\\))?\\\\. ?(?:\\\\w+ )?tried to allocate\\\\b|\\\\b(?:NPU|XPU|HPU|MLU|MUSA|GCU|DCU|IPU|SDAA) out of memory\\\\b|MPS backend out of memory|\\\\bEL0004\\\\b|Memory_Allocation_Failure\\\\(EL\\\\d{4}\\\\)|ACL_ERROR_RT_MEMORY_ALLOCATION|error code is 207001\\\\b|Ran out of memory in memory space \\\\w+|Exceeded (?:hbm|vmem|smem|cmem) capacity by|Cuda Runtime \\\\(out of memory\\\\)|Error Code 2: OutOfMemory\\\\b|Device(?:\\\\(id:\\\\d+\\\\))? memory isn\'t enough and alloc failed|MODULE:PT_DEVMEM Allocation failed|\\\\bCUDA: out of memory\\\\b|ErrStr:out of memory\\\\b|\\\\b(?:UR_RESULT_ERROR|ZE_RESULT_ERROR|VK_ERROR|PI_ERROR)_OUT_OF_DEVICE_MEMORY\\\\b|\\\\bErrorOutOfDeviceMemory\\\\b|Device memory allocation of size \\\\d+ failed|kIOGPUCommandBufferCallbackErrorOutOfMemory|\\\\[(?:metal::malloc|malloc_or_wait)\\\\] (?:Unable to allocate|Resource limit)|Error \\\\[(?:CUDA|HIP)\\\\]: out of memory|not enough GPU video memory available|\\\\bout_of_memory: (?:CUDA error|RMM failure)\\\\b|RMM failure at:[^\\\\n]*: Maximum pool size exceeded|\\\\bRMM_ERROR_OUT_OF_MEMORY\\\\b|\\\\bMemory allocation error on worker \\\\d+: |\\\\bMemory Object Allocation Failure\\\\b|\\\\bCL_MEM_OBJECT_ALLOCATION_FAILURE\\\\b|\\\\bCUDA runtime error in [^\\\\n]{0,200}?: out of memory\\\\b)"}]},\n',
    '{"containerExitCode": 224, "phrase": "ContainerCudaVersionMismatch", "behavior": "PERMANENT", "reason": "the CUDA runtime needs a newer NVIDIA driver", "patterns": [{"exitCode": 1, "userLogRegex": "(?i)(?:CUDA driver version is insufficient for CUDA runtime version|The NVIDIA driver on your system is too old)"}]},\n',
    '{"containerExitCode": 224, "phrase": "ContainerCudaVersionMismatch", "behavior": "PERMANENT", "reason": "no GPU or no NVIDIA driver is visible to the job (the devices or driver the CUDA build needs are missing)", "patterns": [{"exitCode": 1, "userLogRegex": "(?i)(?:no CUDA-capable device is detected|\\\\bcudaErrorNoDevice\\\\b|\\\\bCUDA_ERROR_NO_DEVICE\\\\b|No CUDA GPUs are available|Found no NVIDIA driver on your system|CUDA driver initialization failed)"}]},\n',
    '{"containerExitCode": 225, "phrase": "ContainerCudaDnnVersionMismatch", "behavior": "PERMANENT", "reason": "the cuDNN library does not match this build or could not be loaded", "patterns": [{"exitCode": 1, "userLogRegex": "(?i)(?:dropout supported only in cudnn v|cuDNN version incompatibility|Loaded runtime CuDNN library: \\\\S+ but source was compiled with|(?:Unable to initialize backend \'(?:cuda|gpu)\'|Backend \'(?:cuda|gpu)\' failed to initialize): [^\\\\n]*(?:Found cuDNN version \\\\d+, but JAX was built against|Unable to load cuDNN\\\\b|issues with CUDA components:\\\\s*(?:\\\\S+\\\\s+)?Outdated cuDNN installation)|Could not load library libcudnn\\\\w*\\\\.so[.\\\\d]*\\\\.\\\\s+Error: |Unable to load any of \\\\{libcudnn|Invalid handle\\\\. Cannot load symbol cudnn\\\\w+|undefined symbol: cudnn\\\\w+)"}]},\n',
    '{"containerExitCode": 224, "phrase": "ContainerCudaVersionMismatch", "behavior": "PERMANENT", "reason": "the CUDA (or ROCm) build does not match this GPU or its driver: no kernel image for its architecture, a PTX or driver too new or too old", "patterns": [{"exitCode": 1, "userLogRegex": "(?i)(?:no kernel image is available for execution on the device|cudaErrorNoKernelImageForDevice|CUDA_ERROR_NO_BINARY_FOR_GPU|\\\\b(?:CUDA|HIP) error: invalid device function|hipErrorInvalidDeviceFunction|cudaErrorInvalidDeviceFunction|the provided PTX was compiled with an unsupported toolchain|CUDA_ERROR_UNSUPPORTED_PTX_VERSION|cudaErrorUnsupportedPtxVersion|forward compatibility was attempted on non supported HW|CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE|cudaErrorCompatNotSupportedOnDevice|system has unsupported display driver / cuda driver combination|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|cudaErrorSystemDriverMismatch|CUDA driver version is insufficient for CUDA runtime version|The NVIDIA driver on your system is too old|ptxas(?:-\\\\w+)? fatal\\\\s*: Value \'sm_\\\\w+\' is not defined for option \'gpu-name\'|CUDA Setup failed despite GPU being available|(?:Unable to initialize backend \'(?:cuda|gpu)\'|Backend \'(?:cuda|gpu)\' failed to initialize): [^\\\\n]*(?:Found (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) version \\\\d+, but JAX was built against|Outdated (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) installation)|The detected CUDA version \\\\([\\\\d.]+\\\\) mismatches the version that was used to compile\\\\s+PyTorch|Torch not compiled with CUDA enabled)"}, {"exitCode": 255, "userLogRegex": "(?i)(?:no kernel image is available for execution on the device|cudaErrorNoKernelImageForDevice|CUDA_ERROR_NO_BINARY_FOR_GPU|\\\\b(?:CUDA|HIP) error: invalid device function|hipErrorInvalidDeviceFunction|cudaErrorInvalidDeviceFunction|the provided PTX was compiled with an unsupported toolchain|CUDA_ERROR_UNSUPPORTED_PTX_VERSION|cudaErrorUnsupportedPtxVersion|forward compatibility was attempted on non supported HW|CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE|cudaErrorCompatNotSupportedOnDevice|system has unsupported display driver / cuda driver combination|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|cudaErrorSystemDriverMismatch|CUDA driver version is insufficient for CUDA runtime version|The NVIDIA driver on your system is too old|ptxas(?:-\\\\w+)? fatal\\\\s*: Value \'sm_\\\\w+\' is not defined for option \'gpu-name\'|CUDA Setup failed despite GPU being available|(?:Unable to initialize backend \'(?:cuda|gpu)\'|Backend \'(?:cuda|gpu)\' failed to initialize): [^\\\\n]*(?:Found (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) version \\\\d+, but JAX was built against|Outdated (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) installation)|The detected CUDA version \\\\([\\\\d.]+\\\\) mismatches the version that was used to compile\\\\s+PyTorch|Torch not compiled with CUDA enabled)"}]},\n',
    '{"containerExitCode": 240, "phrase": "ContainerCudaKernelFault", "behavior": "UNKNOWN", "reason": "a GPU kernel faulted or could not run: an illegal memory access, a device-side assertion, a launch the GPU cannot run", "patterns": [{"exitCode": 1, "userLogRegex": "(?:an illegal memory access was encountered|device-side assert triggered|misaligned address|an illegal instruction was encountered|unspecified launch failure|the launch timed out and was terminated|too many resources requested for launch|CUDA_ERROR_(?:ILLEGAL_ADDRESS|ILLEGAL_INSTRUCTION|MISALIGNED_ADDRESS|LAUNCH_FAILED|ASSERT|LAUNCH_TIMEOUT|LAUNCH_OUT_OF_RESOURCES|HARDWARE_STACK_ERROR)\\\\b|cudaError(?:IllegalAddress|IllegalInstruction|MisalignedAddress|LaunchFailure|Assert|LaunchTimeout|LaunchOutOfResources|HardwareStackError)\\\\b|hipError(?:IllegalAddress|LaunchFailure|Assert)\\\\b|\\\\.cu:\\\\d+: [^\\\\n]*Assertion `[^\\\\n]*` failed|block: \\\\[\\\\d+, ?\\\\d+, ?\\\\d+\\\\], thread: \\\\[\\\\d+, ?\\\\d+, ?\\\\d+\\\\] Assertion `|Memory access fault by GPU node-\\\\d+|HSA_STATUS_ERROR_(?:MEMORY_APERTURE_VIOLATION|MEMORY_FAULT|EXCEPTION|ILLEGAL_INSTRUCTION)\\\\b|triton\\\\.runtime\\\\.errors\\\\.OutOfResources: out of resource)"}]},\n',
    '{"containerExitCode": 241, "phrase": "ContainerCudaLibraryFailed", "behavior": "UNKNOWN", "reason": "a CUDA library call (cuBLAS, cuDNN, cuFFT, cuSOLVER, cuSPARSE, cuRAND) failed", "patterns": [{"exitCode": 1, "userLogRegex": "(?:CUBLAS_STATUS_[A-Z_]+|CUDNN_STATUS_[A-Z_]+|cuDNN error:|cuBLAS error|cublas runtime error|GET was unable to find an engine to execute this computation|Unable to find a valid cuDNN algorithm|Failed to get convolution algorithm|cuDNN failed to initialize|Blas (?:\\\\w+ )?launch failed|cuBLAS API failed with status \\\\d+|cublasLt ran into an error|CUFFT_(?:INTERNAL_ERROR|ALLOC_FAILED|EXEC_FAILED|SETUP_FAILED|INVALID_PLAN|INVALID_VALUE|INVALID_TYPE|INVALID_SIZE|UNALIGNED_DATA|INVALID_DEVICE|NO_WORKSPACE|NOT_IMPLEMENTED|NOT_SUPPORTED)\\\\b|cuFFT error|CUSOLVER_STATUS_[A-Z_]+|cusolver error|CUSPARSE_STATUS_[A-Z_]+|cuSPARSE error|CURAND_STATUS_[A-Z_]+|cuDNN launch failure|DNN library initialization failed|cuBLAS call failed|cuDNN Frontend error|\\\\[cudnn_frontend\\\\] Error|\\\\b(?:HIPBLAS|ROCBLAS|HIPBLASLT|HIPSPARSE|ROCSPARSE|HIPSOLVER|ROCSOLVER|HIPFFT|ROCFFT|HIPRAND|ROCRAND|CUTENSOR)_STATUS_[A-Z_]+|\\\\bmiopenStatus(?:NotInitialized|InvalidValue|BadParm|AllocFailed|InternalError|NotImplemented|UnknownError|UnsupportedOp|GpuOperationsSkipped|VersionMismatch)\\\\b|MIOpen Error: |rocBLAS error: |hipBLASLt error|cuBLASLt error|\\\\bcu(?:Solver|BLAS|SPARSE|FFT|DNN|RAND) (?:internal error|has not been initialized)\\\\b|\\\\boperation (?:gpu|cu|hip)(?:solver|blas|sparse|fft|dnn)\\\\w*\\\\([^\\\\n]*\\\\) failed: )"}]},\n',
    '{"containerExitCode": 234, "phrase": "ContainerSigvFault", "behavior": "PERMANENT", "reason": "a process crashed (segmentation fault)", "patterns": [{"exitCode": 1, "userLogRegex": "(?:mpirun failed with exit code 139\\\\b|exited on signal 11\\\\b|exit codes of the workers are \\\\{[^}\\\\n]*SIGSEGV\\\\(-11\\\\)|Signal 11 \\\\(SIGSEGV\\\\) received by PID|exitcode\\\\s*:\\\\s*-11\\\\b|terminated with signal SIGSEGV|exits with return code = -11\\\\b|died with <Signals\\\\.SIGSEGV: 11>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\\\s*139\\\\b|returned non-zero exit status -11\\\\b|(?i:\\\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status|returncode)\\\\b\\\\s*[=:]?\\\\s*-11\\\\b))"}]},\n',
    '{"containerExitCode": 222, "phrase": "ContainerMPISegvFault", "behavior": "PERMANENT", "reason": "an MPI process crashed (segmentation fault)", "patterns": [{"exitCode": 1, "userLogRegex": "Signal code: Address not mapped"}]},\n',
    '{"containerExitCode": 237, "phrase": "ContainerHostMemoryOOMKilled", "behavior": "PERMANENT", "reason": "the kernel\'s OOM killer ended a process (host memory, not GPU memory), or the process ran out of host memory", "patterns": [{"exitCode": 1, "userLogRegex": "(?:exitcode\\\\s*:\\\\s*-9\\\\b|Signal 9 \\\\(SIGKILL\\\\) received by PID|is killed by signal: Killed|exited on signal 9 \\\\(Killed\\\\)|=\\\\s+EXIT CODE: 9\\\\b|exits with return code = -9\\\\b|terminated with signal SIGKILL|exit with status code -9\\\\b|(?i:\\\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status|returncode)\\\\b\\\\s*[=:]?\\\\s*-9\\\\b)|ray\\\\.exceptions\\\\.OutOfMemoryError|exceeds the memory usage threshold of [\\\\d.]+\\\\. Ray killed this worker|Task was killed due to the node running low on memory|(?i:killed due to memory pressure)|node running low on memory|RayOutOfMemoryError|Worker (?:\\\\S+ (?:\\\\(pid=\\\\d+\\\\) )?)?exceeded \\\\d+% memory budget|exit codes of the workers are \\\\{[^}\\\\n]*SIGKILL\\\\(-9\\\\)|Failed core proc\\\\(s\\\\): \\\\{[^}\\\\n]*: -9\\\\b|The worker may have exceeded K8s pod memory limits|Detected \\\\d+ oom[-_]kill events?|killed by the cgroup out-of-memory handler|srun: error: [^\\\\n]*: tasks? [\\\\d,-]+: (?:Out Of Memory|Killed)\\\\b|Out of memory: Kill(?:ed)? process \\\\d+|oom-kill:constraint=|: line \\\\d+: +\\\\d+ Killed +\\\\S|died with <Signals\\\\.SIGKILL: 9>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\\\s*137\\\\b|exit code 137 [(（]interrupted by signal 9[:：] ?SIGKILL[)）]|\\\\bOOMKilled\\\\b|\\\\bOOM-killed\\\\b|The node was low on resource: memory|Container killed by YARN for exceeding (?:physical |virtual )?memory limits|TERM_MEMLIMIT\\\\b|\\\\bexceeded memory limit \\\\(\\\\d+ > \\\\d+\\\\), being killed|(?i:\\\\b(?:exit(?:ed)?|exits|finished|terminated)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status)\\\\b\\\\s*[=:]?\\\\s*137\\\\b)|\\\\bsignal: killed\\\\b|Failed with result \'oom-kill\')"}, {"exitCode": 247, "userLogRegex": "(?:exitcode\\\\s*:\\\\s*-9\\\\b|Signal 9 \\\\(SIGKILL\\\\) received by PID|is killed by signal: Killed|exited on signal 9 \\\\(Killed\\\\)|=\\\\s+EXIT CODE: 9\\\\b|exits with return code = -9\\\\b|terminated with signal SIGKILL|exit with status code -9\\\\b|(?i:\\\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status|returncode)\\\\b\\\\s*[=:]?\\\\s*-9\\\\b)|ray\\\\.exceptions\\\\.OutOfMemoryError|exceeds the memory usage threshold of [\\\\d.]+\\\\. Ray killed this worker|Task was killed due to the node running low on memory|(?i:killed due to memory pressure)|node running low on memory|RayOutOfMemoryError|Worker (?:\\\\S+ (?:\\\\(pid=\\\\d+\\\\) )?)?exceeded \\\\d+% memory budget|exit codes of the workers are \\\\{[^}\\\\n]*SIGKILL\\\\(-9\\\\)|Failed core proc\\\\(s\\\\): \\\\{[^}\\\\n]*: -9\\\\b|The worker may have exceeded K8s pod memory limits|Detected \\\\d+ oom[-_]kill events?|killed by the cgroup out-of-memory handler|srun: error: [^\\\\n]*: tasks? [\\\\d,-]+: (?:Out Of Memory|Killed)\\\\b|Out of memory: Kill(?:ed)? process \\\\d+|oom-kill:constraint=|: line \\\\d+: +\\\\d+ Killed +\\\\S|died with <Signals\\\\.SIGKILL: 9>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\\\s*137\\\\b|exit code 137 [(（]interrupted by signal 9[:：] ?SIGKILL[)）]|\\\\bOOMKilled\\\\b|\\\\bOOM-killed\\\\b|The node was low on resource: memory|Container killed by YARN for exceeding (?:physical |virtual )?memory limits|TERM_MEMLIMIT\\\\b|\\\\bexceeded memory limit \\\\(\\\\d+ > \\\\d+\\\\), being killed|(?i:\\\\b(?:exit(?:ed)?|exits|finished|terminated)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status)\\\\b\\\\s*[=:]?\\\\s*137\\\\b)|\\\\bsignal: killed\\\\b|Failed with result \'oom-kill\')"}, {"exitCode": 9, "userLogRegex": "(?:exitcode\\\\s*:\\\\s*-9\\\\b|Signal 9 \\\\(SIGKILL\\\\) received by PID|is killed by signal: Killed|exited on signal 9 \\\\(Killed\\\\)|=\\\\s+EXIT CODE: 9\\\\b|exits with return code = -9\\\\b|terminated with signal SIGKILL|exit with status code -9\\\\b|(?i:\\\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status|returncode)\\\\b\\\\s*[=:]?\\\\s*-9\\\\b)|ray\\\\.exceptions\\\\.OutOfMemoryError|exceeds the memory usage threshold of [\\\\d.]+\\\\. Ray killed this worker|Task was killed due to the node running low on memory|(?i:killed due to memory pressure)|node running low on memory|RayOutOfMemoryError|Worker (?:\\\\S+ (?:\\\\(pid=\\\\d+\\\\) )?)?exceeded \\\\d+% memory budget|exit codes of the workers are \\\\{[^}\\\\n]*SIGKILL\\\\(-9\\\\)|Failed core proc\\\\(s\\\\): \\\\{[^}\\\\n]*: -9\\\\b|The worker may have exceeded K8s pod memory limits|Detected \\\\d+ oom[-_]kill events?|killed by the cgroup out-of-memory handler|srun: error: [^\\\\n]*: tasks? [\\\\d,-]+: (?:Out Of Memory|Killed)\\\\b|Out of memory: Kill(?:ed)? process \\\\d+|oom-kill:constraint=|: line \\\\d+: +\\\\d+ Killed +\\\\S|died with <Signals\\\\.SIGKILL: 9>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\\\s*137\\\\b|exit code 137 [(（]interrupted by signal 9[:：] ?SIGKILL[)）]|\\\\bOOMKilled\\\\b|\\\\bOOM-killed\\\\b|The node was low on resource: memory|Container killed by YARN for exceeding (?:physical |virtual )?memory limits|TERM_MEMLIMIT\\\\b|\\\\bexceeded memory limit \\\\(\\\\d+ > \\\\d+\\\\), being killed|(?i:\\\\b(?:exit(?:ed)?|exits|finished|terminated)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status)\\\\b\\\\s*[=:]?\\\\s*137\\\\b)|\\\\bsignal: killed\\\\b|Failed with result \'oom-kill\')"}, {"exitCode": 1, "userLogRegex": "(?m)(?:^(?:\\\\[[^\\\\]\\\\n]*\\\\]:? |[\\\\w.-]+: )?MemoryError\\\\b|\\\\bMemoryError: |_ArrayMemoryError: Unable to allocate|Unable to allocate [\\\\d.]+ [KMGTPE]?i?B for an array|There is insufficient memory for the Java Runtime Environment|java\\\\.lang\\\\.OutOfMemoryError: (?:Java heap space|GC overhead limit exceeded)|\\\\[Errno 12\\\\] Cannot allocate memory|unable to mmap \\\\d+ bytes[^\\\\n]*: Cannot allocate memory|: Cannot allocate memory \\\\(12\\\\)|\\\\bfork: (?:retry: )?Cannot allocate memory|std::bad_alloc|DefaultCPUAllocator: (?:not enough memory|can\'t allocate memory)|(?:failed|unable) to allocate CPU buffer|\\\\bTorch: not enough memory: you tried to allocate|posix_memalign\\\\([^\\\\n]*\\\\) == 0\\\\. 12 vs 0|mkl_malloc: failed to allocate memory|\\\\bMemory isn\'t enough and alloc failed|\\\\bOut of Host Memory\\\\b|\\\\bCL_OUT_OF_HOST_MEMORY\\\\b|\\\\bmodel requires more system memory \\\\([\\\\d.]+ [KMGT]i?B\\\\) than is available)"}]},\n',
    '{"containerExitCode": 239, "phrase": "ContainerRendezvousFailed", "behavior": "TRANSIENT", "reason": "the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached", "patterns": [{"exitCode": 1, "userLogRegex": "(?:is setting up [NH]CCL communicator and retr(?:ie|ei)ving [nh]cclUniqueId from \\\\[\\\\d+\\\\] via c10d key-value store|(?i:timed out initializing process group in store[ -]based barrier)|DistStoreError\\\\b|Wait timeout after \\\\d+ seconds for key\\\\(s\\\\): )"}]},\n',
    '{"containerExitCode": 238, "phrase": "ContainerCollectiveCommunicationFailed", "behavior": "TRANSIENT", "reason": "a collective communication operation (NCCL, gloo, MPI, Horovod) failed or timed out: a peer died, the network failed or the communicator was set up wrong", "patterns": [{"exitCode": 1, "userLogRegex": "(?:Watchdog caught collective operation timeout|NCCL error(?: in)?:|DistBackendError|nccl(?:System|Internal|Remote|InvalidUsage|InvalidArgument|UnhandledCuda)Error|NCCL communicat(?:or was|ion) aborted|gloo[/\\\\\\\\]transport[/\\\\\\\\]\\\\w+[/\\\\\\\\][^\\\\n]*(?:Connection (?:closed|reset) by peer|Read error|Read timeout|Write timeout|Socket (?:unexpectedly )?closed|Timed out|Application timeout caused pair closure)|Gloo connectFullMesh failed|This is typically caused by a remote worker crashing\\\\. Check the logs of the remote worker|Application timeout caused pair closure|Timed out waiting \\\\d+ms for (?:recv|send) operation to complete|enforce fail at [^\\\\n]*gloo[/\\\\\\\\]|gloo::(?:EnforceNotMet|IoException|transport::\\\\w+::Pair)\\\\b|ProcessGroupGloo::(?:runLoop|\\\\w*[Ww]ait\\\\w*)\\\\b|NET/IB\\\\w* ?: ?Got completion from peer|net_ib\\\\.cc:\\\\d+ NCCL WARN NET/IB ?: (?:Got completion|[^G\\\\n ])|NCCL WARN [^\\\\n]*ibv_\\\\w+ failed|NCCL Error \\\\d+: |nccl\\\\w+ failed: (?:unhandled system error|unhandled cuda error|internal error|remote process exited|invalid usage|invalid argument)|NCCL WARN [^\\\\n]*(?:socketStartConnect|socketProgress|Connect to [^\\\\n]*failed|Connection (?:closed by remote peer|refused|reset by peer)|Broken pipe|Socket recv failed|[Bb]ootstrap)|== ncclSuccess \\\\(\\\\d+ vs\\\\. 0\\\\)|NCCL WARN Duplicate GPU detected|NCCL INFO [\\\\w./-]+\\\\.(?:cc|cu|h):\\\\d+ -> [1-6]\\\\b|ProcessGroupNCCL::(?:WorkNCCL::checkTimeout|ncclCommWatchdog|watchdogHandler|workCleanupLoop)\\\\b|Exception raised from (?:checkTimeout|ncclCommWatchdog|watchdogHandler|workCleanupLoop) at |[Ww]atchdog thread terminated with exception|[Hh]eartbeat monitor timed out|watchdog got stuck for \\\\d+ seconds|detected by watchdog at work: \\\\d+|Timeout at NCCL work: \\\\d+|last enqueued NCCL work: -?\\\\d+, last completed NCCL work: -?\\\\d+|Received a dump signal due to a collective timeout|Some NCCL operations have failed or timed out|HorovodInternalError\\\\b|An error occurred in MPI_\\\\w+|(?:Error|Exception|what\\\\(\\\\)):\\\\s+\\\\[[^\\\\]\\\\n]*\\\\bgloo[/\\\\\\\\]\\\\w+[/\\\\\\\\][^\\\\]\\\\n]*:\\\\d+\\\\] |HCCL function error ?: |OPS function error: [Hh]ccl\\\\w+|DIST call hccl api failed|\\\\bHCCL error in: |\\\\bE[IJ]\\\\d{4}: |\\\\[ERROR\\\\] HCCL\\\\(\\\\d+,|HCCL OP RETRY FAILED|failed to pass monitoredBarrier in \\\\d+ ms|timed out in monitoredBarrier|Fatal error in \\\\w+: [^\\\\n]*, error stack:|\\\\|CCL_ERROR\\\\| |oneCCL: [\\\\w.]+:\\\\d+ \\\\w+: |UCX +ERROR [^\\\\n]*(?:Transport retry count exceeded|[Ee]ndpoint timeout|Destination is unreachable|Connection reset by remote peer|Remote access error|Input/output error)|Transport retry count exceeded on \\\\w+:\\\\d+|\\\\[btl_tcp_\\\\w+\\\\.c:\\\\d+:mca_btl_tcp_\\\\w+\\\\] [^\\\\n]*failed|(?:ORTE|PRTE) has lost communication with|Collective ops is aborted by: (?:[^E\\\\n]|E[^n])|BaseCollectiveExecutor::StartAbort (?:Unavailable|UNAVAILABLE|Internal|INTERNAL|Deadline ?[Ee]xceeded|DEADLINE_EXCEEDED|Unknown|UNKNOWN): |Aborting Ring\\\\w+ with (?:Unavailable|UNAVAILABLE|Internal|INTERNAL|Deadline ?[Ee]xceeded|DEADLINE_EXCEEDED): |\\\\bMPI_ERR_[A-Z_]+\\\\b|(?i:nccl[^\\\\n]{0,80}?(?:unhandled (?:system|cuda) error|remote process exited or there was a network error|invalid usage)))"}]},\n',
    '{"containerExitCode": 239, "phrase": "ContainerRendezvousFailed", "behavior": "TRANSIENT", "reason": "the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached", "patterns": [{"exitCode": 1, "userLogRegex": "(?m)(?:DistNetworkError|Rendezvous\\\\w*Error(?::|\\\\(|$)|The client socket has timed out after|(?:Error|Exception): The client socket has failed to connect|(?:Error|Exception): The server socket has failed to listen on any local network address|TCP client failed to connect|failed to connect to any network address of|\\\\[E [^]\\\\n]*\\\\] \\\\[c10d\\\\] The client socket has failed to connect|connect\\\\(\\\\) timed out|(?i:(?:Error|Exception): Socket Timeout\\\\b|Timed out after \\\\d+ seconds waiting for (?:clients|workers)|wait timeout (?:after \\\\d+ ?ms, keys:|for key\\\\(s\\\\): ))|TCPStore\\\\b[^\\\\n]*timed out|Stop_waiting response is expected|The connection to the C10d store has failed|(?:DistNetworkError|DistStoreError|RuntimeError): [Ff]ailed to recv, got 0 bytes|Error initializing torch\\\\.distributed using \\\\w+:// rendezvous|DEADLINE_EXCEEDED: Barrier timed out\\\\. (?:Barrier_id|Id): |Stopping coordination service as cluster registration failed|Coordination service agent in error status: (?:DEADLINE_EXCEEDED|UNAVAILABLE)|(?:UnavailableError|UNAVAILABLE):[^\\\\n]*failed to connect to all addresses|(?:ORTE|PRTE) was unable to reliably start one or more daemons|ssh: Could not resolve hostname [^\\\\n]*: (?:Name or service not known|Temporary failure in name resolution|nodename nor servname)|(?s:_rendezvous_handler\\\\n.{0,600}?\\\\n(?:\\\\[rank\\\\d+\\\\]: ?)?[\\\\w.]*(?:Error|Exception): [^\\\\n]*(?:[Tt]imed out|refused|reset by peer|Broken pipe|Name or service not known|No route to host)))"}]},\n',
    '{"containerExitCode": 134, "phrase": "ContainerSigAbrtReceived", "behavior": "UNKNOWN", "reason": "a process aborted (SIGABRT)", "patterns": [{"exitCode": 1, "userLogRegex": "(?:exitcode\\\\s*:\\\\s*-6\\\\b|\\\\bsignal: aborted\\\\b|Signal 6 \\\\(SIGABRT\\\\) received by PID|Fatal Python error: Aborted|terminated with signal SIGABRT|exits with return code = -6\\\\b|exited on signal 6 \\\\(Aborted\\\\)|is killed by signal: Aborted|died with <Signals\\\\.SIGABRT: 6>|exit codes of the workers are \\\\{[^}\\\\n]*SIGABRT\\\\(-6\\\\)|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\\\s*134\\\\b|returned non-zero exit status -6\\\\b|(?i:\\\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status|returncode)\\\\b\\\\s*[=:]?\\\\s*-6\\\\b))"}, {"exitCode": 250, "userLogRegex": "(?:exitcode\\\\s*:\\\\s*-6\\\\b|\\\\bsignal: aborted\\\\b|Signal 6 \\\\(SIGABRT\\\\) received by PID|Fatal Python error: Aborted|terminated with signal SIGABRT|exits with return code = -6\\\\b|exited on signal 6 \\\\(Aborted\\\\)|is killed by signal: Aborted|died with <Signals\\\\.SIGABRT: 6>|exit codes of the workers are \\\\{[^}\\\\n]*SIGABRT\\\\(-6\\\\)|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\\\s*134\\\\b|returned non-zero exit status -6\\\\b|(?i:\\\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status|returncode)\\\\b\\\\s*[=:]?\\\\s*-6\\\\b))"}]},\n',
    '{"containerExitCode": 135, "phrase": "ContainerSigBusReceived", "behavior": "PERMANENT", "reason": "a worker died of SIGBUS (in a container, usually its shared memory /dev/shm is too small)", "patterns": [{"exitCode": 1, "userLogRegex": "(?:is killed by signal:\\\\s+Bus error|\\\\bsignal: bus error\\\\b|Unexpected bus error encountered in worker|Caught signal 7 \\\\(Bus error|Fatal Python error: Bus error|exitcode\\\\s*:\\\\s*-7\\\\b|Signal 7 \\\\(SIGBUS\\\\) received by PID|exited on signal 7 \\\\(Bus error\\\\)|terminated with signal SIGBUS|died with <Signals\\\\.SIGBUS: 7>|exits with return code = -7\\\\b|(?i:\\\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status|returncode)\\\\b\\\\s*[=:]?\\\\s*-7\\\\b))"}, {"exitCode": 249, "userLogRegex": "(?:is killed by signal:\\\\s+Bus error|\\\\bsignal: bus error\\\\b|Unexpected bus error encountered in worker|Caught signal 7 \\\\(Bus error|Fatal Python error: Bus error|exitcode\\\\s*:\\\\s*-7\\\\b|Signal 7 \\\\(SIGBUS\\\\) received by PID|exited on signal 7 \\\\(Bus error\\\\)|terminated with signal SIGBUS|died with <Signals\\\\.SIGBUS: 7>|exits with return code = -7\\\\b|(?i:\\\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status|returncode)\\\\b\\\\s*[=:]?\\\\s*-7\\\\b))"}]},\n',
    '{"containerExitCode": 132, "phrase": "ContainerSigIllReceived", "behavior": "PERMANENT", "reason": "a process was killed by SIGILL (an illegal instruction: usually a build for a newer CPU, e.g. AVX)", "patterns": [{"exitCode": 1, "userLogRegex": "(?:\\\\bsignal: illegal instruction\\\\b|terminated by signal SIGILL\\\\b|exitcode\\\\s*:\\\\s*-4\\\\b|Signal 4 \\\\(SIGILL\\\\) received by PID|exited on signal 4 \\\\(Illegal instruction\\\\)|died with <Signals\\\\.SIGILL: 4>|exits with return code = -4\\\\b|returned non-zero exit status -4\\\\b)"}, {"exitCode": 252, "userLogRegex": "(?:\\\\bsignal: illegal instruction\\\\b|terminated by signal SIGILL\\\\b|exitcode\\\\s*:\\\\s*-4\\\\b|Signal 4 \\\\(SIGILL\\\\) received by PID|exited on signal 4 \\\\(Illegal instruction\\\\)|died with <Signals\\\\.SIGILL: 4>|exits with return code = -4\\\\b|returned non-zero exit status -4\\\\b)"}]},\n',
    '{"containerExitCode": 136, "phrase": "ContainerSigFpeReceived", "behavior": "PERMANENT", "reason": "a process was killed by SIGFPE (an integer division by zero or overflow)", "patterns": [{"exitCode": 1, "userLogRegex": "(?:\\\\bsignal: floating point exception\\\\b|terminated by signal SIGFPE\\\\b|exitcode\\\\s*:\\\\s*-8\\\\b|Signal 8 \\\\(SIGFPE\\\\) received by PID|exited on signal 8 \\\\(Floating point exception\\\\)|died with <Signals\\\\.SIGFPE: 8>|exits with return code = -8\\\\b|returned non-zero exit status -8\\\\b)"}, {"exitCode": 248, "userLogRegex": "(?:\\\\bsignal: floating point exception\\\\b|terminated by signal SIGFPE\\\\b|exitcode\\\\s*:\\\\s*-8\\\\b|Signal 8 \\\\(SIGFPE\\\\) received by PID|exited on signal 8 \\\\(Floating point exception\\\\)|died with <Signals\\\\.SIGFPE: 8>|exits with return code = -8\\\\b|returned non-zero exit status -8\\\\b)"}]},\n',
    '{"containerExitCode": 242, "phrase": "ContainerDiskFull", "behavior": "UNKNOWN", "reason": "a filesystem the job writes to is full, or its quota is exceeded", "patterns": [{"exitCode": 1, "userLogRegex": "(?:(?i:no space left on device|disk quota exceeded)|\\\\[Errno 28\\\\]|\\\\[Errno 122\\\\]|kind: StorageFull|PytorchStreamWriter failed writing file|: Wrote only \\\\d+ of \\\\d+ bytes|inline_container\\\\.cc:\\\\d+\\\\] \\\\. ?unexpected pos \\\\d+ vs \\\\d+|Not enough disk space\\\\. Needed: |Not enough free space to write \\\\d+ bytes|database or disk is full|kind: FilesystemQuotaExceeded|\\\\[WinError 112\\\\]|There is not enough space on the disk|\\\\bENOSPC\\\\b[^\\\\n]{0,20}(?i:no space|space left|disk full)|\\\\bEDQUOT\\\\b)"}, {"exitCode": 2, "userLogRegex": "(?:(?i:no space left on device|disk quota exceeded)|\\\\[Errno 28\\\\]|\\\\[Errno 122\\\\]|kind: StorageFull|PytorchStreamWriter failed writing file|: Wrote only \\\\d+ of \\\\d+ bytes|inline_container\\\\.cc:\\\\d+\\\\] \\\\. ?unexpected pos \\\\d+ vs \\\\d+|Not enough disk space\\\\. Needed: |Not enough free space to write \\\\d+ bytes|database or disk is full|kind: FilesystemQuotaExceeded|\\\\[WinError 112\\\\]|There is not enough space on the disk|\\\\bENOSPC\\\\b[^\\\\n]{0,20}(?i:no space|space left|disk full)|\\\\bEDQUOT\\\\b)"}, {"exitCode": 128, "userLogRegex": "(?:(?i:no space left on device|disk quota exceeded)|\\\\[Errno 28\\\\]|\\\\[Errno 122\\\\]|kind: StorageFull|PytorchStreamWriter failed writing file|: Wrote only \\\\d+ of \\\\d+ bytes|inline_container\\\\.cc:\\\\d+\\\\] \\\\. ?unexpected pos \\\\d+ vs \\\\d+|Not enough disk space\\\\. Needed: |Not enough free space to write \\\\d+ bytes|database or disk is full|kind: FilesystemQuotaExceeded|\\\\[WinError 112\\\\]|There is not enough space on the disk|\\\\bENOSPC\\\\b[^\\\\n]{0,20}(?i:no space|space left|disk full)|\\\\bEDQUOT\\\\b)"}, {"exitCode": 255, "userLogRegex": "(?:(?i:no space left on device|disk quota exceeded)|\\\\[Errno 28\\\\]|\\\\[Errno 122\\\\]|kind: StorageFull|PytorchStreamWriter failed writing file|: Wrote only \\\\d+ of \\\\d+ bytes|inline_container\\\\.cc:\\\\d+\\\\] \\\\. ?unexpected pos \\\\d+ vs \\\\d+|Not enough disk space\\\\. Needed: |Not enough free space to write \\\\d+ bytes|database or disk is full|kind: FilesystemQuotaExceeded|\\\\[WinError 112\\\\]|There is not enough space on the disk|\\\\bENOSPC\\\\b[^\\\\n]{0,20}(?i:no space|space left|disk full)|\\\\bEDQUOT\\\\b)"}]},\n',
    '{"containerExitCode": 243, "phrase": "ContainerCorruptCheckpoint", "behavior": "PERMANENT", "reason": "a checkpoint or model file is truncated or corrupt", "patterns": [{"exitCode": 1, "userLogRegex": "(?:PytorchStreamReader failed (?:reading|locating file (?:data(?:\\\\.pkl|/\\\\d+)|version|byteorder))|Expected hasRecord\\\\(\\"version\\"\\\\) to be true|failed finding central directory|unexpected EOF[^\\\\n]*(?:might be corrupted|more bytes)|Error while deserializing header: \\\\w+|\\\\b(?:HeaderTooLarge|HeaderTooSmall|MetadataIncompleteBuffer|InvalidHeaderDeserialization|InvalidHeaderStart|InvalidHeaderLength)\\\\b|incomplete metadata, file not fully covered|\\\\bBadZip[Ff]ile: |inline_container\\\\.cc:\\\\d+\\\\] \\\\. file not found: \\\\w+/(?:data\\\\.pkl|version|byteorder)|Can\'t read data \\\\((?:wrong B-tree signature|inflate\\\\(\\\\) failed)|Unable to (?:synchronously )?open (?:file|object) \\\\((?:truncated file: eof = \\\\d+|file signature not found|bad (?:object header|symbol table|local heap|heap)[^)\\\\n]*)|(?:DataLossError|Data loss|DATA_LOSS): [^\\\\n]*(?:[Cc]hecksum does not match|truncated (?:record|block read)|corrupted record|file is too short to be an sstable|[Bb]lock checksum mismatch|[Uu]nexpected end of (?:data|file|stream|input))|model is corrupted or incomplete|gguf_init_from_file\\\\w*: invalid magic|INVALID_PROTOBUF : [^\\\\n]*Protobuf parsing failed|Load model from [^\\\\n]* failed: ?Protobuf parsing failed|(?:OutOfRangeError|Out of range|OUT_OF_RANGE): [^\\\\n]*Read less bytes than requested|Requested byte range \\\\[\\\\d+, ?\\\\d+\\\\) is not valid for value of size \\\\d+|ValidationError: Unable to parse proto from file: |DecodeError: Error parsing message|Unable to load weights from (?:pytorch )?checkpoint file|You seem to have cloned a repository without having git-lfs installed|pickle data was truncated|Invalid magic number; corrupt file|storage has wrong (?:byte )?size: expected (?:\\\\d+|%ld) got|invalid load key|(?s:serialization\\\\.py\\", line \\\\d+.{0,400}EOFError: Ran out of input))"}]},\n',
    '{"containerExitCode": 244, "phrase": "ContainerTrainingDiverged", "behavior": "PERMANENT", "reason": "training diverged: the loss became NaN or inf, or the loss scale hit its minimum", "patterns": [{"exitCode": 1, "userLogRegex": "(?i)(?:loss is (?:nan|inf)\\\\b|the loss returned in .training_step. is (?:tensor\\\\()?(?:nan|-?inf)\\\\b|detected nan and/or inf values in .|tensor had (?:nan|inf) values|invalid loss, terminating training|loss becomes? (?:infinite|nan|inf)\\\\b|Minimum loss scale reached|Current loss scale already at minimum|outputs? is NAN|returned nan values in its \\\\d+(?:st|nd|rd|th) output|non-finite loss|loss is not finite|Loss became infinite or NaN|found (?:NaN|Inf) in local (?:grad norm|forward loss)|NanLossDuringTrainingError|Model diverged with loss = (?:NaN|nan|inf|Inf)|\\\\bFloatingPointError: |(?:training|model) diverged\\\\b[^\\\\n]{0,40}\\\\bnan\\\\b|(?:nan detected in (?:the )?loss|(?:nan|inf) loss (?:detected|encountered)|loss (?:became|has become|went to) (?:nan|inf)\\\\b)[^\\\\n]{0,60}\\\\b(?:abort|stop|terminat|exit))"}]},\n',
    '{"containerExitCode": 229, "phrase": "ContainerIncorrectDataModelError", "behavior": "PERMANENT", "reason": "input data or a model file is missing or unreadable", "patterns": [{"exitCode": 1, "userLogRegex": "(?:\\\\b(?:Repository|Revision|Entry)NotFoundError: |is not a local folder and is not a\\\\s+valid model identifier)"}]},\n',
    '{"containerExitCode": 245, "phrase": "ContainerDataPermissionDenied", "behavior": "PERMANENT", "reason": "the job may not read or write a file or directory it needs", "patterns": [{"exitCode": 1, "userLogRegex": "(?:\\\\bPermissionError: |\\\\[WinError 5\\\\] Access is denied|\\\\[Error 5\\\\] Access is denied|(?:Error|error|Exception):? \\\\[Errno 13\\\\] Permission denied: |\\\\[Errno 1\\\\] Operation not permitted: |\\\\[Errno 30\\\\] Read-only file system|(?:An error occurred|A client error) \\\\((?:AccessDenied|403|401|Forbidden|Unauthorized|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AllAccessDisabled|AccountProblem)\\\\)|does not have storage\\\\.(?:objects|buckets)\\\\.\\\\w+ access|google\\\\.api_core\\\\.exceptions\\\\.(?:Forbidden: 403|Unauthorized: 401)|AccessDeniedException: 403|Unable to locate credentials\\\\b|PermissionError: (?:Access Denied|Forbidden|The AWS Access Key Id you provided|The request signature we calculated)|\\\\b40[13] Client Error: (?:Unauthorized|Forbidden) for url|HTTP Error 40[13]: (?:Forbidden|Unauthorized)|GatedRepoError\\\\b|Cannot access gated repo for url|You are trying to access a gated repo|This request is not authorized to perform this operation|fatal: could not create (?:work tree dir|leading directories of) [^\\\\n]*: Permission denied|\\\\b(?:cannot|can\'t|could not|couldn\'t|unable to|failed to) [^\\\\n]*: Permission denied\\\\b|(?m:^(?:tee|cat|touch|mkdir|cp|mv|rm|ln|chmod|chown|install|tar|unzip|head|tail|sed|sort|rsync): [^\\\\n]*: (?:Permission denied|Read-only file system)$)|error message = .Permission denied.|\\\\bPermissionDeniedError: |\\\\bPERMISSION_DENIED: |ErrorCode:\\\\s*(?:AuthorizationPermissionMismatch|AuthorizationFailure|AuthenticationFailed)\\\\b|\\\\bDefaultCredentialsError: |java\\\\.nio\\\\.file\\\\.AccessDeniedException)"}, {"exitCode": 128, "userLogRegex": "(?:\\\\bPermissionError: |\\\\[WinError 5\\\\] Access is denied|\\\\[Error 5\\\\] Access is denied|(?:Error|error|Exception):? \\\\[Errno 13\\\\] Permission denied: |\\\\[Errno 1\\\\] Operation not permitted: |\\\\[Errno 30\\\\] Read-only file system|(?:An error occurred|A client error) \\\\((?:AccessDenied|403|401|Forbidden|Unauthorized|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AllAccessDisabled|AccountProblem)\\\\)|does not have storage\\\\.(?:objects|buckets)\\\\.\\\\w+ access|google\\\\.api_core\\\\.exceptions\\\\.(?:Forbidden: 403|Unauthorized: 401)|AccessDeniedException: 403|Unable to locate credentials\\\\b|PermissionError: (?:Access Denied|Forbidden|The AWS Access Key Id you provided|The request signature we calculated)|\\\\b40[13] Client Error: (?:Unauthorized|Forbidden) for url|HTTP Error 40[13]: (?:Forbidden|Unauthorized)|GatedRepoError\\\\b|Cannot access gated repo for url|You are trying to access a gated repo|This request is not authorized to perform this operation|fatal: could not create (?:work tree dir|leading directories of) [^\\\\n]*: Permission denied|\\\\b(?:cannot|can\'t|could not|couldn\'t|unable to|failed to) [^\\\\n]*: Permission denied\\\\b|(?m:^(?:tee|cat|touch|mkdir|cp|mv|rm|ln|chmod|chown|install|tar|unzip|head|tail|sed|sort|rsync): [^\\\\n]*: (?:Permission denied|Read-only file system)$)|error message = .Permission denied.|\\\\bPermissionDeniedError: |\\\\bPERMISSION_DENIED: |ErrorCode:\\\\s*(?:AuthorizationPermissionMismatch|AuthorizationFailure|AuthenticationFailed)\\\\b|\\\\bDefaultCredentialsError: |java\\\\.nio\\\\.file\\\\.AccessDeniedException)"}, {"exitCode": 255, "userLogRegex": "(?:\\\\bPermissionError: |\\\\[WinError 5\\\\] Access is denied|\\\\[Error 5\\\\] Access is denied|(?:Error|error|Exception):? \\\\[Errno 13\\\\] Permission denied: |\\\\[Errno 1\\\\] Operation not permitted: |\\\\[Errno 30\\\\] Read-only file system|(?:An error occurred|A client error) \\\\((?:AccessDenied|403|401|Forbidden|Unauthorized|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AllAccessDisabled|AccountProblem)\\\\)|does not have storage\\\\.(?:objects|buckets)\\\\.\\\\w+ access|google\\\\.api_core\\\\.exceptions\\\\.(?:Forbidden: 403|Unauthorized: 401)|AccessDeniedException: 403|Unable to locate credentials\\\\b|PermissionError: (?:Access Denied|Forbidden|The AWS Access Key Id you provided|The request signature we calculated)|\\\\b40[13] Client Error: (?:Unauthorized|Forbidden) for url|HTTP Error 40[13]: (?:Forbidden|Unauthorized)|GatedRepoError\\\\b|Cannot access gated repo for url|You are trying to access a gated repo|This request is not authorized to perform this operation|fatal: could not create (?:work tree dir|leading directories of) [^\\\\n]*: Permission denied|\\\\b(?:cannot|can\'t|could not|couldn\'t|unable to|failed to) [^\\\\n]*: Permission denied\\\\b|(?m:^(?:tee|cat|touch|mkdir|cp|mv|rm|ln|chmod|chown|install|tar|unzip|head|tail|sed|sort|rsync): [^\\\\n]*: (?:Permission denied|Read-only file system)$)|error message = .Permission denied.|\\\\bPermissionDeniedError: |\\\\bPERMISSION_DENIED: |ErrorCode:\\\\s*(?:AuthorizationPermissionMismatch|AuthorizationFailure|AuthenticationFailed)\\\\b|\\\\bDefaultCredentialsError: |java\\\\.nio\\\\.file\\\\.AccessDeniedException)"}]},\n',
    '{"containerExitCode": 232, "phrase": "ContainerImportError", "behavior": "PERMANENT", "reason": "a Python module is missing", "patterns": [{"exitCode": 1, "userLogRegex": "error while loading shared libraries: [^\\\\n]*: cannot open shared object file"}]},\n',
    '{"containerExitCode": 220, "phrase": "UserCommandExitWithError", "behavior": "PERMANENT", "reason": "the user command does not exist or is not executable", "patterns": [{"exitCode": 1, "userLogRegex": "(?m)(?:^(?:/(?:usr/)?bin/)?(?:sh|bash|dash)(?:: line \\\\d+|: \\\\d+)?: [^\\\\s:]+: (?:command )?not found *\\\\n(?:[^\\\\n]*\\\\n){0,5}?[^\\\\n]*(?:Traceback \\\\(most recent call last\\\\)|\\\\w(?:Error|Exception)\\\\b: )|(?:^|: )(?:(?:line )?\\\\d+: )?(?:[^\\\\s:]*/)?(?:torchrun|python[\\\\d.]*|deepspeed|accelerate|mpirun|mpiexec|horovodrun|srun|llamafactory-cli|colossalai): (?:command )?not found\\\\b|\\\\bzsh: command not found: (?:[^\\\\s:]*/)?(?:torchrun|python[\\\\d.]*|deepspeed|accelerate|mpirun|mpiexec|horovodrun|srun|llamafactory-cli|colossalai)\\\\b|returned non-zero exit status 127\\\\b)"}]},\n',
    '{"containerExitCode": 228, "phrase": "ContainerIncorrectParameterError", "behavior": "PERMANENT", "reason": "the job was given a wrong parameter", "patterns": [{"exitCode": 2, "userLogRegex": "(?:error: unrecognized arguments:|error: the following arguments are required:|error: argument \\\\S+: (?:invalid|expected (?:one|at least one) argument)|(?m:^Error: (?:No such option: |Missing option |Missing argument |Invalid value for |Got unexpected extra arguments? )))"}, {"exitCode": 1, "userLogRegex": "(?:error: unrecognized arguments:|error: the following arguments are required:|error: argument \\\\S+: (?:invalid|expected (?:one|at least one) argument)|UnrecognizedFlagError: Unknown command line flag|Some specified arguments are not used by the HfArgumentParser|Flags parsing error: |Could not override \'[^\'\\\\n]+\'\\\\.|Error merging override |: error: (?:Unrecognized arguments:|Parser key \\"))"}, {"exitCode": 1, "userLogRegex": "(?i)\\\\bunknown option\\\\b"}, {"exitCode": 2, "userLogRegex": "(?i)\\\\bunknown option\\\\b"}, {"exitCode": 1, "userLogRegex": "\\\\w\\\\(\\\\)(?: \\\\([^)\\\\n]*\\\\))? (?:got (?:multiple values for|an unexpected) (?:keyword )?argument \'|takes (?:from \\\\d+ to \\\\d+|\\\\d+|no) (?:positional |keyword )?arguments? but \\\\d+ (?:positional arguments? )?(?:was|were) given|missing \\\\d+ required (?:positional|keyword-only) arguments?: |takes (?:exactly|at most|at least) \\\\w+ (?:positional |keyword )?arguments? \\\\(\\\\d+ given\\\\)|takes no (?:keyword )?arguments|got some positional-only arguments passed as keyword arguments)"}, {"exitCode": 1, "userLogRegex": "InvalidArgumentError: "}]},\n',
    '{"containerExitCode": 230, "phrase": "ContainerInvalidSavePath", "behavior": "PERMANENT", "reason": "the checkpoint save path is invalid", "patterns": [{"exitCode": 1, "userLogRegex": "(?:ValueError: (?:Restore called with invalid save path|The passed save_path is not a valid checkpoint)|RuntimeError: Parent directory [^\\\\n]* does not exist\\\\.|(?s:_open_zipfile_writer.{0,400}?RuntimeError: File [^\\\\n]* cannot be opened\\\\.)|Failed to create a NewWriteableFile: )"}]},\n',
    '{"containerExitCode": 229, "phrase": "ContainerIncorrectDataModelError", "behavior": "PERMANENT", "reason": "input data or a model file is missing or unreadable", "patterns": [{"exitCode": 1, "userLogRegex": "(?:FileNotFoundError: |(?:IOError|OSError): \\\\[Errno 2\\\\] No such file or directory|(?:IsADirectoryError|NotADirectoryError): \\\\[Errno 2[01]\\\\]|NotFoundError: [^\\\\n]*; No such file or directory|does not appear to have a file named |Error no file named [^\\\\n]* found in directory|Can\'t load (?:tokenizer|the configuration|config|the model|weights|feature extractor|image processor|processor) for |\\\\bDatasetNotFoundError: |Dataset not found or corrupted\\\\. You can use download=True|File not found: filepath=[^\\\\n]*Please ensure the file is an accessible .\\\\.keras. zip file|\\\\bLocalEntryNotFoundError: |We couldn\'t connect to \'https?://[^\'\\\\n]+\' to load th|\\\\bOfflineModeIsEnabled: |Couldn\'t reach [^\\\\n]* on the Hub \\\\()"}, {"exitCode": 1, "userLogRegex": "\\\\bUnicode(?:En|De)codeError: "}, {"exitCode": 1, "userLogRegex": "EOFError: Ran out of input"}, {"exitCode": 1, "userLogRegex": "(?i)perhaps your file is in a different file format"}, {"exitCode": 1, "userLogRegex": "(?i)input/output error"}]},\n',
    '{"containerExitCode": 232, "phrase": "ContainerImportError", "behavior": "PERMANENT", "reason": "a Python module is missing", "patterns": [{"exitCode": 1, "userLogRegex": "(?m)(?:\\\\b(?:ImportError|ModuleNotFoundError):(?: |$)|DistributionNotFound: The |PackageNotFoundError: No package metadata was found for |\\\\b(?:OSError|NotFoundError): [^\\\\n]*(?:cannot open shared object file|undefined symbol: ))"}, {"exitCode": 1, "userLogRegex": "(?im)(?:^(?:\\\\[[^\\\\]\\\\n]*\\\\]:? |[\\\\w.-]+: )?\\\\S*python[\\\\w.]*: no module named \\\\S|^(?:\\\\[[^\\\\]\\\\n]*\\\\]:? |[\\\\w.-]+: )?No module named [\\\\w\'\\"]|Error while finding (?:module )?spec(?:ification)? for |__path__ attribute not found on )"}]},\n',
    '{"containerExitCode": 231, "phrase": "ContainerSyntaxError", "behavior": "PERMANENT", "reason": "the job\'s code has a syntax or name error", "patterns": [{"exitCode": 1, "userLogRegex": "\\\\b(?:SyntaxError|IndentationError|TabError): "}, {"exitCode": 1, "userLogRegex": "\\\\bUnpicklingError\\\\b"}, {"exitCode": 1, "userLogRegex": "AttributeError: .* has no attribute \'"}, {"exitCode": 1, "userLogRegex": "(?:NameError: name \'[^\'\\\\n]*\' is not defined|UnboundLocalError: )"}]},\n',
    '{"containerExitCode": 233, "phrase": "ContainerIndexOutOfRange", "behavior": "PERMANENT", "reason": "an index was out of range", "patterns": [{"exitCode": 1, "userLogRegex": "(?:\\\\bIndexError: |RuntimeError: index -?\\\\d+ is out of bounds for dimension|RuntimeError: index out of range at )"}]},\n',
    '{"containerExitCode": 234, "phrase": "ContainerSigvFault", "behavior": "PERMANENT", "reason": "a process crashed (segmentation fault)", "patterns": [{"exitCode": 1, "userLogRegex": "(?im)(?:(?:^|[^ \\\\n]|(?:^|[^a\\\\n]) )segmentation fault|exit codes of the workers are \\\\{[^}\\\\n]*SIGSEGV\\\\(-11\\\\)|Signal 11 \\\\(SIGSEGV\\\\)|exited on signal 11|exitcode\\\\s*:\\\\s*-11\\\\b|terminated with signal SIGSEGV|exits with return code = -11\\\\b|died with <Signals\\\\.SIGSEGV: 11>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\\\s*139\\\\b|returned non-zero exit status -11\\\\b|(?i:\\\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status|returncode)\\\\b\\\\s*[=:]?\\\\s*-11\\\\b))"}, {"exitCode": 245, "userLogRegex": "(?im)(?:(?:^|[^ \\\\n]|(?:^|[^a\\\\n]) )segmentation fault|exit codes of the workers are \\\\{[^}\\\\n]*SIGSEGV\\\\(-11\\\\)|Signal 11 \\\\(SIGSEGV\\\\)|exited on signal 11|exitcode\\\\s*:\\\\s*-11\\\\b|terminated with signal SIGSEGV|exits with return code = -11\\\\b|died with <Signals\\\\.SIGSEGV: 11>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero exit status|failed with exit code)\\\\s*139\\\\b|returned non-zero exit status -11\\\\b|(?i:\\\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\\\b[^\\\\n]{0,30}?\\\\b(?:code|status|returncode)\\\\b\\\\s*[=:]?\\\\s*-11\\\\b))"}]},\n',
    '{"containerExitCode": 235, "phrase": "ContainerEngineCoreDump", "behavior": "PERMANENT", "reason": "a process dumped core", "patterns": [{"exitCode": 1, "userLogRegex": "(?i)\\\\(core dumped\\\\)"}]},\n',
    '{"containerExitCode": 239, "phrase": "ContainerRendezvousFailed", "behavior": "TRANSIENT", "reason": "the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached", "patterns": [{"exitCode": 1, "userLogRegex": "(?:\\\\[c10d\\\\] \\\\w+ failed on SocketImpl\\\\(|JAX distributed service detected fatal errors\\\\. This most likely indicates that another task died|heartbeat timeout\\\\. This indicates that the remote task|Failed to send RPC to coordination service|\\\\[c10d\\\\] The client socket has failed to connect to [^\\\\n]*\\\\(errno: 11[013]\\\\b|Exception raised from (?:recvBytes|sendBytes|recvValue|recvVector) at [^\\\\n]*c10d/Utils\\\\.hpp)"}]},\n',
    '{"containerExitCode": 238, "phrase": "ContainerCollectiveCommunicationFailed", "behavior": "TRANSIENT", "reason": "a collective communication operation (NCCL, gloo, MPI, Horovod) failed or timed out: a peer died, the network failed or the communicator was set up wrong", "patterns": [{"exitCode": 1, "userLogRegex": "(?:Horovod has been shut down\\\\. This (?:was|has been) ca|\\\\bUCX +ERROR\\\\b)"}]},\n',
    '{"containerExitCode": 236, "phrase": "PAIRuntimeRunningThresholdExceeded", "behavior": "UNKNOWN", "reason": "the job ran longer than its running threshold", "patterns": []},\n',
    '{"containerExitCode": 250, "phrase": "FrameworkBarrierTransientFailed", "behavior": "TRANSIENT", "reason": "the framework barrier failed transiently", "patterns": []},\n',
    '{"containerExitCode": 251, "phrase": "JobGangAllocationTimeout", "behavior": "TRANSIENT_CONFLICT", "reason": "not every task of the gang was allocated in time", "patterns": []},\n',
    '{"containerExitCode": 252, "phrase": "FrameworkBarrierPermanentFailed", "behavior": "PERMANENT", "reason": "the framework barrier failed permanently", "patterns": []},\n',
    '{"containerExitCode": 253, "phrase": "ContainerPortConflict", "behavior": "TRANSIENT", "reason": "a port the job needs is taken", "patterns": []},\n',
    '{"containerExitCode": 254, "phrase": "ContainerImageNotExists", "behavior": "PERMANENT", "reason": "the image does not exist or cannot be pulled", "patterns": []},\n',
    '{"containerExitCode": 255, "phrase": "PAIRuntimeUnknownFailed", "behavior": "UNKNOWN", "reason": "the failure matched no exit spec entry", "patterns": []}\n',
    ']\n',
    '}\n',
)
#: ``cache.body``: what the regex compile cache stores
BODY = {'default_code': 255,
 'phrases': {128: 'ContainerMayFailDueToGpuDeviceEccError',
             223: 'ContainerCudaUncorrectableECCError',
             226: 'ContainerCudaOOMKilled',
             237: 'ContainerHostMemoryOOMKilled',
             225: 'ContainerCudaDnnVersionMismatch',
             224: 'ContainerCudaVersionMismatch',
             240: 'ContainerCudaKernelFault',
             241: 'ContainerCudaLibraryFailed',
             239: 'ContainerRendezvousFailed',
             238: 'ContainerCollectiveCommunicationFailed',
             242: 'ContainerDiskFull',
             243: 'ContainerCorruptCheckpoint',
             129: 'ContainerSigHupReceived',
             130: 'ContainerSigIntReceived',
             131: 'ContainerSigQuitReceived',
             132: 'ContainerSigIllReceived',
             134: 'ContainerSigAbrtReceived',
             135: 'ContainerSigBusReceived',
             136: 'ContainerSigFpeReceived',
             137: 'ContainerSigKillReceived',
             139: 'ContainerSigSegvReceived',
             141: 'ContainerSigPipeReceived',
             143: 'ContainerSigTermReceived',
             249: 'PAIRuntimeSSHBarrierTimeout',
             232: 'ContainerImportError',
             220: 'UserCommandExitWithError',
             221: 'ContainerTensorflowOOMKilled',
             234: 'ContainerSigvFault',
             222: 'ContainerMPISegvFault',
             244: 'ContainerTrainingDiverged',
             229: 'ContainerIncorrectDataModelError',
             245: 'ContainerDataPermissionDenied',
             228: 'ContainerIncorrectParameterError',
             230: 'ContainerInvalidSavePath',
             231: 'ContainerSyntaxError',
             233: 'ContainerIndexOutOfRange',
             235: 'ContainerEngineCoreDump',
             236: 'PAIRuntimeRunningThresholdExceeded',
             250: 'FrameworkBarrierTransientFailed',
             251: 'JobGangAllocationTimeout',
             252: 'FrameworkBarrierPermanentFailed',
             253: 'ContainerPortConflict',
             254: 'ContainerImageNotExists',
             255: 'PAIRuntimeUnknownFailed'},
 'format': 'runtime',
 'behaviors': {128: 'UNKNOWN',
               223: 'TRANSIENT',
               226: 'PERMANENT',
               237: 'PERMANENT',
               225: 'PERMANENT',
               224: 'PERMANENT',
               240: 'UNKNOWN',
               241: 'UNKNOWN',
               239: 'TRANSIENT',
               238: 'TRANSIENT',
               242: 'UNKNOWN',
               243: 'PERMANENT',
               129: 'TRANSIENT',
               130: 'TRANSIENT',
               131: 'TRANSIENT',
               132: 'PERMANENT',
               134: 'UNKNOWN',
               135: 'PERMANENT',
               136: 'PERMANENT',
               137: 'TRANSIENT',
               139: 'UNKNOWN',
               141: 'PERMANENT',
               143: 'TRANSIENT',
               249: 'PERMANENT',
               232: 'PERMANENT',
               220: 'PERMANENT',
               221: 'PERMANENT',
               234: 'PERMANENT',
               222: 'PERMANENT',
               244: 'PERMANENT',
               229: 'PERMANENT',
               245: 'PERMANENT',
               228: 'PERMANENT',
               230: 'PERMANENT',
               231: 'PERMANENT',
               233: 'PERMANENT',
               235: 'PERMANENT',
               236: 'UNKNOWN',
               250: 'TRANSIENT',
               251: 'TRANSIENT_CONFLICT',
               252: 'PERMANENT',
               253: 'TRANSIENT',
               254: 'PERMANENT',
               255: 'UNKNOWN'},
 'reasons': {128: 'a GPU of this node reports double-bit (uncorrectable) ECC errors',
             223: 'the GPU reported an uncorrectable hardware error (ECC, NVLink) or fell off the bus (a hardware '
                  'fault)',
             226: 'the GPU ran out of memory',
             237: "the kernel's OOM killer ended a process (host memory, not GPU memory), or the process ran out "
                  'of host memory',
             225: 'the cuDNN library does not match this build or could not be loaded',
             224: 'the CUDA (or ROCm) build does not match this GPU or its driver: no kernel image for its '
                  'architecture, a PTX or driver too new or too old',
             240: 'a GPU kernel faulted or could not run: an illegal memory access, a device-side assertion, a '
                  'launch the GPU cannot run',
             241: 'a CUDA library call (cuBLAS, cuDNN, cuFFT, cuSOLVER, cuSPARSE, cuRAND) failed',
             239: 'the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached',
             238: 'a collective communication operation (NCCL, gloo, MPI, Horovod) failed or timed out: a peer '
                  'died, the network failed or the communicator was set up wrong',
             242: 'a filesystem the job writes to is full, or its quota is exceeded',
             243: 'a checkpoint or model file is truncated or corrupt',
             129: 'stopped by SIGHUP (the terminal or session that started the job was closed)',
             130: 'killed by SIGINT',
             131: 'killed by SIGQUIT',
             132: 'killed by SIGILL',
             134: 'a process aborted (SIGABRT)',
             135: 'killed by SIGBUS',
             136: 'killed by SIGFPE',
             137: 'killed by SIGKILL',
             139: 'a process crashed (SIGSEGV)',
             141: 'killed by SIGPIPE',
             143: 'stopped by SIGTERM (the pod was stopped, preempted or evicted)',
             249: 'the SSH barrier reached its retry limit',
             232: 'a Python module is missing',
             220: 'the user command does not exist or is not executable',
             221: 'TensorFlow ran out of GPU memory',
             234: 'a process crashed (segmentation fault)',
             222: 'an MPI process crashed (segmentation fault)',
             244: 'training diverged: the loss became NaN or inf, or the loss scale hit its minimum',
             229: 'input data or a model file is missing or unreadable',
             245: 'the job may not read or write a file or directory it needs',
             228: 'the job was given a wrong parameter',
             230: 'the checkpoint save path is invalid',
             231: "the job's code has a syntax or name error",
             233: 'an index was out of range',
             235: 'a process dumped core',
             236: 'the job ran longer than its running threshold',
             250: 'the framework barrier failed transiently',
             251: 'not every task of the gang was allocated in time',
             252: 'the framework barrier failed permanently',
             253: 'a port the job needs is taken',
             254: 'the image does not exist or cannot be pulled',
             255: 'the failure matched no exit spec entry'},
 'pass_through': False,
 'entries': [{'index': 0,
              'code': 128,
              'phrase': 'ContainerMayFailDueToGpuDeviceEccError',
              'behavior': 'UNKNOWN',
              'reason': 'a GPU of this node reports double-bit (uncorrectable) ECC errors',
              'patterns': [{'index': 0,
                            'exit_code': None,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': True}]},
             {'index': 1,
              'code': 223,
              'phrase': 'ContainerCudaUncorrectableECCError',
              'behavior': 'TRANSIENT',
              'reason': 'the GPU reported an uncorrectable hardware error (ECC, NVLink) or fell off the bus (a '
                        'hardware fault)',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?i)(?:CUDA_ERROR_ECC_UNCORRECTABLE|uncorrectable ECC error '
                                              'encountered|cudaErrorECCUncorrectable|uncorrectable NVLink '
                                              'error|CUDA_ERROR_NVLINK_UNCORRECTABLE|cudaErrorNvlinkUncorrectable|GPU '
                                              'has fallen off the bus|GPU is lost\\. Reboot the system|Unable to '
                                              'determine the device handle for GPU '
                                              '?[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.\\d: (?:GPU is '
                                              'lost|Unknown Error)|\\bXid \\([^)\\n]*\\): '
                                              '(?:48|64|74|79|94|95)\\b|hbm Multi-bit ECC '
                                              'error|reason=\\[?(?:suspect )?device mem error|\\bUCE ERROR\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 134,
                            'user_log_regex': '(?i)(?:CUDA_ERROR_ECC_UNCORRECTABLE|uncorrectable ECC error '
                                              'encountered|cudaErrorECCUncorrectable|uncorrectable NVLink '
                                              'error|CUDA_ERROR_NVLINK_UNCORRECTABLE|cudaErrorNvlinkUncorrectable|GPU '
                                              'has fallen off the bus|GPU is lost\\. Reboot the system|Unable to '
                                              'determine the device handle for GPU '
                                              '?[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.\\d: (?:GPU is '
                                              'lost|Unknown Error)|\\bXid \\([^)\\n]*\\): '
                                              '(?:48|64|74|79|94|95)\\b|hbm Multi-bit ECC '
                                              'error|reason=\\[?(?:suspect )?device mem error|\\bUCE ERROR\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 2,
              'code': 226,
              'phrase': 'ContainerCudaOOMKilled',
              'behavior': 'PERMANENT',
              'reason': 'the GPU ran out of memory',
              'patterns': [{'index': 0,
                            'exit_code': 134,
                            'user_log_regex': '(?i)(?:CUDA out of memory|cuda runtime error \\(2\\) : out of '
                                              'memory|\\b(?:cuda|hip)(?: driver| runtime)? '
                                              '(?:failure|error|failed)\\b[^\\n]{0,40}?\\bout of '
                                              'memory\\b|cudaMalloc\\w*(?: retry)? failed: out of '
                                              'memory|(?:failed|unable) to allocate '
                                              '(?:CUDA|ROCm|Vulkan|Metal|SYCL|MUSA|CANN|OpenCL|HIP|Kompute)\\d* '
                                              'buffer|BFCArena::AllocateRawInternal[^\\n]*Failed to allocate '
                                              'memory for requested buffer|Requested amount of GPU memory \\(\\d+ '
                                              'bytes\\) could not be '
                                              'allocated|cupy\\.cuda\\.memory\\.OutOfMemoryError|No executable '
                                              'batch size found, reached zero|CUDA error: out of '
                                              'memory|(?:^|[^:\\n] |[^ \\n])CUDA_ERROR_OUT_OF_MEMORY|Cuda failure '
                                              '.out of memory.|THCudaCheck FAIL [^\\n]*: out of '
                                              'memory|torch\\.(?:cuda\\.)?OutOfMemoryError|Resource[ _]exhausted: '
                                              '[^\\n]*(?:Out of memory|Failed to allocate|Attempting to '
                                              '(?:reserve|allocate) [^\\n]*That was not '
                                              'possible)|ResourceExhaustedError: [^\\n]*(?:Failed to '
                                              'allocate|Attempting to (?:reserve|allocate))|Out of memory while '
                                              'trying to allocate \\d+ bytes|Error allocating device buffer: '
                                              'Attempting to allocate|No available memory for the cache '
                                              'blocks|Check failed: error == cudaSuccess \\(2 vs\\. 0\\)\\s+out of '
                                              'memory|larger than the maximum number of tokens that can be stored '
                                              'in KV cache|KV cache is needed, which is larger than the available '
                                              'KV cache memory|Free memory on device [^\\n]*is less than desired '
                                              'GPU memory utilization|Not enough memory to handle \\d+ (?:total '
                                              '|prefill )?tokens|HIP out of '
                                              'memory|hipErrorOutOfMemory|cudaErrorMemoryAllocation|would exceed '
                                              'allowed memory\\. \\(out of memory\\)|Not enough memory\\. Please '
                                              'try to increase --mem-fraction-static|Resource exhausted: Out\\s+of '
                                              'memory|Out of memory error on \\w+[ '
                                              ':]?\\d+|paddle::memory::allocation::BadAlloc\\b|\\bout of memory(?: '
                                              '\\([^()\\n]{0,200}\\))?\\. ?(?:\\w+ )?tried to '
                                              'allocate\\b|\\b(?:NPU|XPU|HPU|MLU|MUSA|GCU|DCU|IPU|SDAA) out of '
                                              'memory\\b|MPS backend out of '
                                              'memory|\\bEL0004\\b|Memory_Allocation_Failure\\(EL\\d{4}\\)|ACL_ERROR_RT_MEMORY_ALLOCATION|error '
                                              'code is 207001\\b|Ran out of memory in memory space \\w+|Exceeded '
                                              '(?:hbm|vmem|smem|cmem) capacity by|Cuda Runtime \\(out of '
                                              'memory\\)|Error Code 2: OutOfMemory\\b|Device(?:\\(id:\\d+\\))? '
                                              "memory isn't enough and alloc failed|MODULE:PT_DEVMEM Allocation "
                                              'failed|\\bCUDA: out of memory\\b|ErrStr:out of '
                                              'memory\\b|\\b(?:UR_RESULT_ERROR|ZE_RESULT_ERROR|VK_ERROR|PI_ERROR)_OUT_OF_DEVICE_MEMORY\\b|\\bErrorOutOfDeviceMemory\\b|Device '
                                              'memory allocation of size \\d+ '
                                              'failed|kIOGPUCommandBufferCallbackErrorOutOfMemory|\\[(?:metal::malloc|malloc_or_wait)\\] '
                                              '(?:Unable to allocate|Resource limit)|Error \\[(?:CUDA|HIP)\\]: out '
                                              'of memory|not enough GPU video memory available|\\bout_of_memory: '
                                              '(?:CUDA error|RMM failure)\\b|RMM failure at:[^\\n]*: Maximum pool '
                                              'size exceeded|\\bRMM_ERROR_OUT_OF_MEMORY\\b|\\bMemory allocation '
                                              'error on worker \\d+: |\\bMemory Object Allocation '
                                              'Failure\\b|\\bCL_MEM_OBJECT_ALLOCATION_FAILURE\\b|\\bCUDA runtime '
                                              'error in [^\\n]{0,200}?: out of memory\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 3,
              'code': 237,
              'phrase': 'ContainerHostMemoryOOMKilled',
              'behavior': 'PERMANENT',
              'reason': "the kernel's OOM killer ended a process (host memory, not GPU memory), or the process ran "
                        'out of host memory',
              'patterns': [{'index': 0,
                            'exit_code': 137,
                            'user_log_regex': None,
                            'platform_log_regex': "cgroup memory: the kernel's OOM killer killed \\d+ process",
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 1,
                            'user_log_regex': None,
                            'platform_log_regex': "cgroup memory: the kernel's OOM killer killed \\d+ process",
                            'gpu_ecc': None},
                           {'index': 2,
                            'exit_code': 137,
                            'user_log_regex': '(?:exited on signal 9 \\(Killed\\)|is killed by signal: '
                                              'Killed|Signal 9 \\(SIGKILL\\) received by '
                                              'PID|exitcode\\s*:\\s*-9\\b|(?:exit(?:ed)? with status code|Exit '
                                              'code:|returned non-zero exit status|failed with exit '
                                              'code)\\s*137\\b|Detected \\d+ oom[-_]kill events?|killed by the '
                                              'cgroup out-of-memory handler|srun: error: [^\\n]*: tasks? [\\d,-]+: '
                                              '(?:Out Of Memory|Killed)\\b|Out of memory: Kill(?:ed)? process '
                                              '\\d+|oom-kill:constraint=|exit code 137 [(（]interrupted by signal '
                                              '9[:：] ?SIGKILL[)）]|\\bOOMKilled\\b|\\bOOM-killed\\b|The node was '
                                              'low on resource: memory|Container killed by YARN for exceeding '
                                              '(?:physical |virtual )?memory limits|TERM_MEMLIMIT\\b|\\bexceeded '
                                              'memory limit \\(\\d+ > \\d+\\), being '
                                              'killed|(?i:\\b(?:exit(?:ed)?|exits|finished|terminated)\\b[^\\n]{0,30}?\\b(?:code|status)\\b\\s*[=:]?\\s*137\\b))',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 3,
                            'exit_code': 134,
                            'user_log_regex': '(?:terminate called after throwing an instance of '
                                              '.std::bad_alloc.|what\\(\\):\\s+std::bad_alloc)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 4,
              'code': 225,
              'phrase': 'ContainerCudaDnnVersionMismatch',
              'behavior': 'PERMANENT',
              'reason': 'the cuDNN library does not match this build or could not be loaded',
              'patterns': [{'index': 0,
                            'exit_code': 134,
                            'user_log_regex': '(?i)(?:dropout supported only in cudnn v|cuDNN version '
                                              'incompatibility|Loaded runtime CuDNN library: \\S+ but source was '
                                              'compiled with|(?:Unable to initialize backend '
                                              "'(?:cuda|gpu)'|Backend '(?:cuda|gpu)' failed to initialize): "
                                              '[^\\n]*(?:Found cuDNN version \\d+, but JAX was built '
                                              'against|Unable to load cuDNN\\b|issues with CUDA '
                                              'components:\\s*(?:\\S+\\s+)?Outdated cuDNN installation)|Could not '
                                              'load library libcudnn\\w*\\.so[.\\d]*\\.\\s+Error: |Unable to load '
                                              'any of \\{libcudnn|Invalid handle\\. Cannot load symbol '
                                              'cudnn\\w+|undefined symbol: cudnn\\w+)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 5,
              'code': 224,
              'phrase': 'ContainerCudaVersionMismatch',
              'behavior': 'PERMANENT',
              'reason': 'the CUDA (or ROCm) build does not match this GPU or its driver: no kernel image for its '
                        'architecture, a PTX or driver too new or too old',
              'patterns': [{'index': 0,
                            'exit_code': 134,
                            'user_log_regex': '(?i)(?:no kernel image is available for execution on the '
                                              'device|cudaErrorNoKernelImageForDevice|CUDA_ERROR_NO_BINARY_FOR_GPU|\\b(?:CUDA|HIP) '
                                              'error: invalid device '
                                              'function|hipErrorInvalidDeviceFunction|cudaErrorInvalidDeviceFunction|the '
                                              'provided PTX was compiled with an unsupported '
                                              'toolchain|CUDA_ERROR_UNSUPPORTED_PTX_VERSION|cudaErrorUnsupportedPtxVersion|forward '
                                              'compatibility was attempted on non supported '
                                              'HW|CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE|cudaErrorCompatNotSupportedOnDevice|system '
                                              'has unsupported display driver / cuda driver '
                                              'combination|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|cudaErrorSystemDriverMismatch|CUDA '
                                              'driver version is insufficient for CUDA runtime version|The NVIDIA '
                                              'driver on your system is too old|ptxas(?:-\\w+)? fatal\\s*: Value '
                                              "'sm_\\w+' is not defined for option 'gpu-name'|CUDA Setup failed "
                                              'despite GPU being available|(?:Unable to initialize backend '
                                              "'(?:cuda|gpu)'|Backend '(?:cuda|gpu)' failed to initialize): "
                                              '[^\\n]*(?:Found (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) '
                                              'version \\d+, but JAX was built against|Outdated '
                                              '(?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) '
                                              'installation)|The detected CUDA version \\([\\d.]+\\) mismatches '
                                              'the version that was used to compile\\s+PyTorch|Torch not compiled '
                                              'with CUDA enabled)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 6,
              'code': 240,
              'phrase': 'ContainerCudaKernelFault',
              'behavior': 'UNKNOWN',
              'reason': 'a GPU kernel faulted or could not run: an illegal memory access, a device-side assertion, '
                        'a launch the GPU cannot run',
              'patterns': [{'index': 0,
                            'exit_code': 134,
                            'user_log_regex': '(?:an illegal memory access was encountered|device-side assert '
                                              'triggered|misaligned address|an illegal instruction was '
                                              'encountered|unspecified launch failure|the launch timed out and was '
                                              'terminated|too many resources requested for '
                                              'launch|CUDA_ERROR_(?:ILLEGAL_ADDRESS|ILLEGAL_INSTRUCTION|MISALIGNED_ADDRESS|LAUNCH_FAILED|ASSERT|LAUNCH_TIMEOUT|LAUNCH_OUT_OF_RESOURCES|HARDWARE_STACK_ERROR)\\b|cudaError(?:IllegalAddress|IllegalInstruction|MisalignedAddress|LaunchFailure|Assert|LaunchTimeout|LaunchOutOfResources|HardwareStackError)\\b|hipError(?:IllegalAddress|LaunchFailure|Assert)\\b|\\.cu:\\d+: '
                                              '[^\\n]*Assertion `[^\\n]*` failed|block: \\[\\d+, ?\\d+, ?\\d+\\], '
                                              'thread: \\[\\d+, ?\\d+, ?\\d+\\] Assertion `|Memory access fault by '
                                              'GPU '
                                              'node-\\d+|HSA_STATUS_ERROR_(?:MEMORY_APERTURE_VIOLATION|MEMORY_FAULT|EXCEPTION|ILLEGAL_INSTRUCTION)\\b|triton\\.runtime\\.errors\\.OutOfResources: '
                                              'out of resource)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 7,
              'code': 241,
              'phrase': 'ContainerCudaLibraryFailed',
              'behavior': 'UNKNOWN',
              'reason': 'a CUDA library call (cuBLAS, cuDNN, cuFFT, cuSOLVER, cuSPARSE, cuRAND) failed',
              'patterns': [{'index': 0,
                            'exit_code': 134,
                            'user_log_regex': '(?:Check failed: '
                                              '[^\\n]*CU(?:DNN|BLAS)_STATUS_|CUDNN_STATUS_(?:NOT_INITIALIZED|ALLOC_FAILED|BAD_PARAM|INTERNAL_ERROR|EXECUTION_FAILED|MAPPING_ERROR|NOT_SUPPORTED|ARCH_MISMATCH)|CUBLAS_STATUS_(?:NOT_INITIALIZED|ALLOC_FAILED|INVALID_VALUE|EXECUTION_FAILED|INTERNAL_ERROR|MAPPING_ERROR|NOT_SUPPORTED|ARCH_MISMATCH)|cuDNN '
                                              'error:|\\b(?:HIPBLAS|ROCBLAS|HIPBLASLT|HIPSPARSE|ROCSPARSE|HIPSOLVER|ROCSOLVER|HIPFFT|ROCFFT|HIPRAND|ROCRAND|CUTENSOR)_STATUS_[A-Z_]+|\\bmiopenStatus(?:NotInitialized|InvalidValue|BadParm|AllocFailed|InternalError|NotImplemented|UnknownError|UnsupportedOp|GpuOperationsSkipped|VersionMismatch)\\b|MIOpen '
                                              'Error: |rocBLAS error: |hipBLASLt error|cuBLASLt error)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 8,
              'code': 239,
              'phrase': 'ContainerRendezvousFailed',
              'behavior': 'TRANSIENT',
              'reason': 'the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached',
              'patterns': [{'index': 0,
                            'exit_code': 134,
                            'user_log_regex': '(?:what\\(\\):\\s+(?:connect\\(\\) timed out|Socket Timeout|The '
                                              'client socket has timed out after|Timed out after \\d+ seconds '
                                              'waiting for clients)|terminate called after throwing an instance of '
                                              '.c10::Dist(?:Network|Store)Error.|JAX distributed service detected '
                                              'fatal errors\\. This most likely indicates that another task '
                                              'died|Wait timeout after \\d+ seconds for key\\(s\\): |heartbeat '
                                              'timeout\\. This indicates that the remote task)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 9,
              'code': 238,
              'phrase': 'ContainerCollectiveCommunicationFailed',
              'behavior': 'TRANSIENT',
              'reason': 'a collective communication operation (NCCL, gloo, MPI, Horovod) failed or timed out: a '
                        'peer died, the network failed or the communicator was set up wrong',
              'patterns': [{'index': 0,
                            'exit_code': 134,
                            'user_log_regex': '(?:Watchdog caught collective operation timeout|NCCL error(?: '
                                              'in)?:|DistBackendError|nccl(?:System|Internal|Remote|InvalidUsage|InvalidArgument|UnhandledCuda)Error|NCCL '
                                              'communicat(?:or was|ion) '
                                              'aborted|gloo[/\\\\]transport[/\\\\]\\w+[/\\\\][^\\n]*(?:Connection '
                                              '(?:closed|reset) by peer|Read error|Read timeout|Write '
                                              'timeout|Socket (?:unexpectedly )?closed|Timed out|Application '
                                              'timeout caused pair closure)|Gloo connectFullMesh failed|This is '
                                              'typically caused by a remote worker crashing\\. Check the logs of '
                                              'the remote worker|Application timeout caused pair closure|Timed out '
                                              'waiting \\d+ms for (?:recv|send) operation to complete|enforce fail '
                                              'at '
                                              '[^\\n]*gloo[/\\\\]|gloo::(?:EnforceNotMet|IoException|transport::\\w+::Pair)\\b|ProcessGroupGloo::(?:runLoop|\\w*[Ww]ait\\w*)\\b|NET/IB\\w* '
                                              '?: ?Got completion from peer|net_ib\\.cc:\\d+ NCCL WARN NET/IB ?: '
                                              '(?:Got completion|[^G\\n ])|NCCL WARN [^\\n]*ibv_\\w+ failed|NCCL '
                                              'Error \\d+: |nccl\\w+ failed: (?:unhandled system error|unhandled '
                                              'cuda error|internal error|remote process exited|invalid '
                                              'usage|invalid argument)|NCCL WARN '
                                              '[^\\n]*(?:socketStartConnect|socketProgress|Connect to '
                                              '[^\\n]*failed|Connection (?:closed by remote peer|refused|reset by '
                                              'peer)|Broken pipe|Socket recv failed|[Bb]ootstrap)|== ncclSuccess '
                                              '\\(\\d+ vs\\. 0\\)|NCCL WARN Duplicate GPU detected|NCCL INFO '
                                              '[\\w./-]+\\.(?:cc|cu|h):\\d+ -> '
                                              '[1-6]\\b|ProcessGroupNCCL::(?:WorkNCCL::checkTimeout|ncclCommWatchdog|watchdogHandler|workCleanupLoop)\\b|Exception '
                                              'raised from '
                                              '(?:checkTimeout|ncclCommWatchdog|watchdogHandler|workCleanupLoop) '
                                              'at |[Ww]atchdog thread terminated with exception|[Hh]eartbeat '
                                              'monitor timed out|watchdog got stuck for \\d+ seconds|detected by '
                                              'watchdog at work: \\d+|Timeout at NCCL work: \\d+|last enqueued '
                                              'NCCL work: -?\\d+, last completed NCCL work: -?\\d+|Received a dump '
                                              'signal due to a collective timeout|Some NCCL operations have failed '
                                              'or timed out|HorovodInternalError\\b|An error occurred in '
                                              'MPI_\\w+|(?:Error|Exception|what\\(\\)):\\s+\\[[^\\]\\n]*\\bgloo[/\\\\]\\w+[/\\\\][^\\]\\n]*:\\d+\\] '
                                              '|HCCL function error ?: |OPS function error: [Hh]ccl\\w+|DIST call '
                                              'hccl api failed|\\bHCCL error in: |\\bE[IJ]\\d{4}: |\\[ERROR\\] '
                                              'HCCL\\(\\d+,|HCCL OP RETRY FAILED|failed to pass monitoredBarrier '
                                              'in \\d+ ms|timed out in monitoredBarrier|Fatal error in \\w+: '
                                              '[^\\n]*, error stack:|\\|CCL_ERROR\\| |oneCCL: [\\w.]+:\\d+ \\w+: '
                                              '|UCX +ERROR [^\\n]*(?:Transport retry count exceeded|[Ee]ndpoint '
                                              'timeout|Destination is unreachable|Connection reset by remote '
                                              'peer|Remote access error|Input/output error)|Transport retry count '
                                              'exceeded on \\w+:\\d+|\\[btl_tcp_\\w+\\.c:\\d+:mca_btl_tcp_\\w+\\] '
                                              '[^\\n]*failed|(?:ORTE|PRTE) has lost communication with|Collective '
                                              'ops is aborted by: '
                                              '(?:[^E\\n]|E[^n])|BaseCollectiveExecutor::StartAbort '
                                              '(?:Unavailable|UNAVAILABLE|Internal|INTERNAL|Deadline '
                                              '?[Ee]xceeded|DEADLINE_EXCEEDED|Unknown|UNKNOWN): |Aborting Ring\\w+ '
                                              'with (?:Unavailable|UNAVAILABLE|Internal|INTERNAL|Deadline '
                                              '?[Ee]xceeded|DEADLINE_EXCEEDED): '
                                              '|\\bMPI_ERR_[A-Z_]+\\b|(?i:nccl[^\\n]{0,80}?(?:unhandled '
                                              '(?:system|cuda) error|remote process exited or there was a network '
                                              'error|invalid usage)))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 10,
              'code': 242,
              'phrase': 'ContainerDiskFull',
              'behavior': 'UNKNOWN',
              'reason': 'a filesystem the job writes to is full, or its quota is exceeded',
              'patterns': [{'index': 0,
                            'exit_code': 134,
                            'user_log_regex': '(?:(?i:no space left on device|disk quota exceeded)|\\[Errno '
                                              '28\\]|\\[Errno 122\\]|kind: StorageFull|PytorchStreamWriter failed '
                                              'writing file|: Wrote only \\d+ of \\d+ '
                                              'bytes|inline_container\\.cc:\\d+\\] \\. ?unexpected pos \\d+ vs '
                                              '\\d+|Not enough disk space\\. Needed: |Not enough free space to '
                                              'write \\d+ bytes|database or disk is full|kind: '
                                              'FilesystemQuotaExceeded|\\[WinError 112\\]|There is not enough '
                                              'space on the disk|\\bENOSPC\\b[^\\n]{0,20}(?i:no space|space '
                                              'left|disk full)|\\bEDQUOT\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 11,
              'code': 243,
              'phrase': 'ContainerCorruptCheckpoint',
              'behavior': 'PERMANENT',
              'reason': 'a checkpoint or model file is truncated or corrupt',
              'patterns': [{'index': 0,
                            'exit_code': 134,
                            'user_log_regex': '(?:PytorchStreamReader failed (?:reading|locating file '
                                              '(?:data(?:\\.pkl|/\\d+)|version|byteorder))|Expected '
                                              'hasRecord\\("version"\\) to be true|failed finding central '
                                              'directory|unexpected EOF[^\\n]*(?:might be corrupted|more '
                                              'bytes)|Error while deserializing header: '
                                              '\\w+|\\b(?:HeaderTooLarge|HeaderTooSmall|MetadataIncompleteBuffer|InvalidHeaderDeserialization|InvalidHeaderStart|InvalidHeaderLength)\\b|incomplete '
                                              'metadata, file not fully covered|\\bBadZip[Ff]ile: '
                                              '|inline_container\\.cc:\\d+\\] \\. file not found: '
                                              "\\w+/(?:data\\.pkl|version|byteorder)|Can't read data \\((?:wrong "
                                              'B-tree signature|inflate\\(\\) failed)|Unable to (?:synchronously '
                                              ')?open (?:file|object) \\((?:truncated file: eof = \\d+|file '
                                              'signature not found|bad (?:object header|symbol table|local '
                                              'heap|heap)[^)\\n]*)|(?:DataLossError|Data loss|DATA_LOSS): '
                                              '[^\\n]*(?:[Cc]hecksum does not match|truncated (?:record|block '
                                              'read)|corrupted record|file is too short to be an sstable|[Bb]lock '
                                              'checksum mismatch|[Uu]nexpected end of '
                                              '(?:data|file|stream|input))|model is corrupted or '
                                              'incomplete|gguf_init_from_file\\w*: invalid magic|INVALID_PROTOBUF '
                                              ': [^\\n]*Protobuf parsing failed|Load model from [^\\n]* failed: '
                                              '?Protobuf parsing failed|(?:OutOfRangeError|Out of '
                                              'range|OUT_OF_RANGE): [^\\n]*Read less bytes than '
                                              'requested|Requested byte range \\[\\d+, ?\\d+\\) is not valid for '
                                              'value of size \\d+|ValidationError: Unable to parse proto from '
                                              'file: |DecodeError: Error parsing message|Unable to load weights '
                                              'from (?:pytorch )?checkpoint file|You seem to have cloned a '
                                              'repository without having git-lfs installed|pickle data was '
                                              'truncated|Invalid magic number; corrupt file|storage has wrong '
                                              '(?:byte )?size: expected (?:\\d+|%ld) got|invalid load '
                                              'key|(?s:serialization\\.py", line \\d+.{0,400}EOFError: Ran out of '
                                              'input))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 12,
              'code': 129,
              'phrase': 'ContainerSigHupReceived',
              'behavior': 'TRANSIENT',
              'reason': 'stopped by SIGHUP (the terminal or session that started the job was closed)',
              'patterns': [{'index': 0,
                            'exit_code': 129,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 1,
                            'user_log_regex': '(?:SignalException: Process \\d+ got signal: 1\\b|Received 1 death '
                                              'signal, shutting down workers)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 13,
              'code': 130,
              'phrase': 'ContainerSigIntReceived',
              'behavior': 'TRANSIENT',
              'reason': 'killed by SIGINT',
              'patterns': [{'index': 0,
                            'exit_code': 130,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 1,
                            'user_log_regex': '(?:SignalException: Process \\d+ got signal: 2\\b|Received 2 death '
                                              'signal, shutting down workers)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 14,
              'code': 131,
              'phrase': 'ContainerSigQuitReceived',
              'behavior': 'TRANSIENT',
              'reason': 'killed by SIGQUIT',
              'patterns': [{'index': 0,
                            'exit_code': 131,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 15,
              'code': 132,
              'phrase': 'ContainerSigIllReceived',
              'behavior': 'PERMANENT',
              'reason': 'killed by SIGILL',
              'patterns': [{'index': 0,
                            'exit_code': 132,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 16,
              'code': 134,
              'phrase': 'ContainerSigAbrtReceived',
              'behavior': 'UNKNOWN',
              'reason': 'a process aborted (SIGABRT)',
              'patterns': [{'index': 0,
                            'exit_code': 134,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 17,
              'code': 135,
              'phrase': 'ContainerSigBusReceived',
              'behavior': 'PERMANENT',
              'reason': 'killed by SIGBUS',
              'patterns': [{'index': 0,
                            'exit_code': 135,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 18,
              'code': 136,
              'phrase': 'ContainerSigFpeReceived',
              'behavior': 'PERMANENT',
              'reason': 'killed by SIGFPE',
              'patterns': [{'index': 0,
                            'exit_code': 136,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 19,
              'code': 137,
              'phrase': 'ContainerSigKillReceived',
              'behavior': 'TRANSIENT',
              'reason': 'killed by SIGKILL',
              'patterns': [{'index': 0,
                            'exit_code': 137,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 20,
              'code': 139,
              'phrase': 'ContainerSigSegvReceived',
              'behavior': 'UNKNOWN',
              'reason': 'a process crashed (SIGSEGV)',
              'patterns': [{'index': 0,
                            'exit_code': 139,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 21,
              'code': 141,
              'phrase': 'ContainerSigPipeReceived',
              'behavior': 'PERMANENT',
              'reason': 'killed by SIGPIPE',
              'patterns': [{'index': 0,
                            'exit_code': 141,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 22,
              'code': 143,
              'phrase': 'ContainerSigTermReceived',
              'behavior': 'TRANSIENT',
              'reason': 'stopped by SIGTERM (the pod was stopped, preempted or evicted)',
              'patterns': [{'index': 0,
                            'exit_code': 143,
                            'user_log_regex': None,
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 1,
                            'user_log_regex': '(?:SignalException: Process \\d+ got signal: 15\\b|Received 15 '
                                              'death signal, shutting down workers)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 23,
              'code': 249,
              'phrase': 'PAIRuntimeSSHBarrierTimeout',
              'behavior': 'PERMANENT',
              'reason': 'the SSH barrier reached its retry limit',
              'patterns': [{'index': 0,
                            'exit_code': 10,
                            'user_log_regex': None,
                            'platform_log_regex': 'SSH barrier reaches max retry count',
                            'gpu_ecc': None}]},
             {'index': 24,
              'code': 232,
              'phrase': 'ContainerImportError',
              'behavior': 'PERMANENT',
              'reason': 'a Python module is missing',
              'patterns': [{'index': 0,
                            'exit_code': 127,
                            'user_log_regex': 'error while loading shared libraries: [^\\n]*: cannot open shared '
                                              'object file',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 25,
              'code': 220,
              'phrase': 'UserCommandExitWithError',
              'behavior': 'PERMANENT',
              'reason': 'the user command does not exist or is not executable',
              'patterns': [{'index': 0,
                            'exit_code': 127,
                            'user_log_regex': '(?i)(?:command not found|: not found\\b|: No such file or '
                                              'directory|executable file not found in \\$PATH)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 1,
                            'user_log_regex': '(?:mpirun|mpiexec|prterun) was unable to (?:find the specified '
                                              'executable file|launch the specified application as it could not '
                                              '(?:find|access or execute) an executable|start the specified '
                                              'application as it encountered an)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 2,
                            'exit_code': 126,
                            'user_log_regex': '(?i)(?:Permission denied|cannot execute)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 3,
                            'exit_code': 2,
                            'user_log_regex': "(?m)^(?:\\[[^\\]\\n]*\\]:? |[\\w.-]+: )?\\S*python[\\w.]*: can't "
                                              'open file [^\\n]*\\[Errno 2\\] No such file or directory',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 4,
                            'exit_code': 1,
                            'user_log_regex': "(?m)^(?:\\[[^\\]\\n]*\\]:? |[\\w.-]+: )?\\S*python[\\w.]*: can't "
                                              'open file [^\\n]*\\[Errno 2\\] No such file or directory',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 26,
              'code': 237,
              'phrase': 'ContainerHostMemoryOOMKilled',
              'behavior': 'PERMANENT',
              'reason': "the kernel's OOM killer ended a process (host memory, not GPU memory), or the process ran "
                        'out of host memory',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:OOM when allocating tensor[^\\n]*?(?:/device:CPU:\\d+\\b|\\bby '
                                              'allocator '
                                              '(?:cpu|mklcpu|cpu_pool|cuda_host_bfc|gpu_host_bfc)\\b)|Allocator '
                                              '\\((?:cpu|mklcpu|cpu_pool|cuda_host_bfc|gpu_host_bfc)\\) ran out of '
                                              'memory trying to allocate [^\\n]*(?:requested by op|See logs for '
                                              'memory state|Current allocation summary follows))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 27,
              'code': 221,
              'phrase': 'ContainerTensorflowOOMKilled',
              'behavior': 'PERMANENT',
              'reason': 'TensorFlow ran out of GPU memory',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': 'ResourceExhaustedError\\b.*\\bOOM\\b',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 1,
                            'user_log_regex': '(?i)ran out of memory trying to allocate [^\\n]*(?:requested by '
                                              'op|See logs for memory state)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 2,
                            'exit_code': 1,
                            'user_log_regex': '\\bOOM when allocating tensor\\b',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 3,
                            'exit_code': 1,
                            'user_log_regex': 'ResourceExhaustedError: [^\\n]*failed to allocate memory\\b',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 4,
                            'exit_code': 1,
                            'user_log_regex': 'Dst tensor is not initialized',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 5,
                            'exit_code': 1,
                            'user_log_regex': '(?:CUDA runtime implicit initialization on GPU:\\d+ failed\\. '
                                              'Status: out of memory|failed initializing StreamExecutor for CUDA '
                                              'device ordinal \\d+: [^\\n]*CUDA_ERROR_OUT_OF_MEMORY)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 28,
              'code': 226,
              'phrase': 'ContainerCudaOOMKilled',
              'behavior': 'PERMANENT',
              'reason': 'the GPU ran out of memory',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?i)(?:CUDA out of memory|cuda runtime error \\(2\\) : out of '
                                              'memory|\\b(?:cuda|hip)(?: driver| runtime)? '
                                              '(?:failure|error|failed)\\b[^\\n]{0,40}?\\bout of '
                                              'memory\\b|cudaMalloc\\w*(?: retry)? failed: out of '
                                              'memory|(?:failed|unable) to allocate '
                                              '(?:CUDA|ROCm|Vulkan|Metal|SYCL|MUSA|CANN|OpenCL|HIP|Kompute)\\d* '
                                              'buffer|BFCArena::AllocateRawInternal[^\\n]*Failed to allocate '
                                              'memory for requested buffer|Requested amount of GPU memory \\(\\d+ '
                                              'bytes\\) could not be '
                                              'allocated|cupy\\.cuda\\.memory\\.OutOfMemoryError|No executable '
                                              'batch size found, reached zero|CUDA error: out of '
                                              'memory|(?:^|[^:\\n] |[^ \\n])CUDA_ERROR_OUT_OF_MEMORY|Cuda failure '
                                              '.out of memory.|THCudaCheck FAIL [^\\n]*: out of '
                                              'memory|torch\\.(?:cuda\\.)?OutOfMemoryError|Resource[ _]exhausted: '
                                              '[^\\n]*(?:Out of memory|Failed to allocate|Attempting to '
                                              '(?:reserve|allocate) [^\\n]*That was not '
                                              'possible)|ResourceExhaustedError: [^\\n]*(?:Failed to '
                                              'allocate|Attempting to (?:reserve|allocate))|Out of memory while '
                                              'trying to allocate \\d+ bytes|Error allocating device buffer: '
                                              'Attempting to allocate|No available memory for the cache '
                                              'blocks|Check failed: error == cudaSuccess \\(2 vs\\. 0\\)\\s+out of '
                                              'memory|larger than the maximum number of tokens that can be stored '
                                              'in KV cache|KV cache is needed, which is larger than the available '
                                              'KV cache memory|Free memory on device [^\\n]*is less than desired '
                                              'GPU memory utilization|Not enough memory to handle \\d+ (?:total '
                                              '|prefill )?tokens|HIP out of '
                                              'memory|hipErrorOutOfMemory|cudaErrorMemoryAllocation|would exceed '
                                              'allowed memory\\. \\(out of memory\\)|Not enough memory\\. Please '
                                              'try to increase --mem-fraction-static|Resource exhausted: Out\\s+of '
                                              'memory|Out of memory error on \\w+[ '
                                              ':]?\\d+|paddle::memory::allocation::BadAlloc\\b|\\bout of memory(?: '
                                              '\\([^()\\n]{0,200}\\))?\\. ?(?:\\w+ )?tried to '
                                              'allocate\\b|\\b(?:NPU|XPU|HPU|MLU|MUSA|GCU|DCU|IPU|SDAA) out of '
                                              'memory\\b|MPS backend out of '
                                              'memory|\\bEL0004\\b|Memory_Allocation_Failure\\(EL\\d{4}\\)|ACL_ERROR_RT_MEMORY_ALLOCATION|error '
                                              'code is 207001\\b|Ran out of memory in memory space \\w+|Exceeded '
                                              '(?:hbm|vmem|smem|cmem) capacity by|Cuda Runtime \\(out of '
                                              'memory\\)|Error Code 2: OutOfMemory\\b|Device(?:\\(id:\\d+\\))? '
                                              "memory isn't enough and alloc failed|MODULE:PT_DEVMEM Allocation "
                                              'failed|\\bCUDA: out of memory\\b|ErrStr:out of '
                                              'memory\\b|\\b(?:UR_RESULT_ERROR|ZE_RESULT_ERROR|VK_ERROR|PI_ERROR)_OUT_OF_DEVICE_MEMORY\\b|\\bErrorOutOfDeviceMemory\\b|Device '
                                              'memory allocation of size \\d+ '
                                              'failed|kIOGPUCommandBufferCallbackErrorOutOfMemory|\\[(?:metal::malloc|malloc_or_wait)\\] '
                                              '(?:Unable to allocate|Resource limit)|Error \\[(?:CUDA|HIP)\\]: out '
                                              'of memory|not enough GPU video memory available|\\bout_of_memory: '
                                              '(?:CUDA error|RMM failure)\\b|RMM failure at:[^\\n]*: Maximum pool '
                                              'size exceeded|\\bRMM_ERROR_OUT_OF_MEMORY\\b|\\bMemory allocation '
                                              'error on worker \\d+: |\\bMemory Object Allocation '
                                              'Failure\\b|\\bCL_MEM_OBJECT_ALLOCATION_FAILURE\\b|\\bCUDA runtime '
                                              'error in [^\\n]{0,200}?: out of memory\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 29,
              'code': 224,
              'phrase': 'ContainerCudaVersionMismatch',
              'behavior': 'PERMANENT',
              'reason': 'the CUDA runtime needs a newer NVIDIA driver',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?i)(?:CUDA driver version is insufficient for CUDA runtime '
                                              'version|The NVIDIA driver on your system is too old)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 30,
              'code': 224,
              'phrase': 'ContainerCudaVersionMismatch',
              'behavior': 'PERMANENT',
              'reason': 'no GPU or no NVIDIA driver is visible to the job (the devices or driver the CUDA build '
                        'needs are missing)',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?i)(?:no CUDA-capable device is '
                                              'detected|\\bcudaErrorNoDevice\\b|\\bCUDA_ERROR_NO_DEVICE\\b|No CUDA '
                                              'GPUs are available|Found no NVIDIA driver on your system|CUDA '
                                              'driver initialization failed)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 31,
              'code': 225,
              'phrase': 'ContainerCudaDnnVersionMismatch',
              'behavior': 'PERMANENT',
              'reason': 'the cuDNN library does not match this build or could not be loaded',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?i)(?:dropout supported only in cudnn v|cuDNN version '
                                              'incompatibility|Loaded runtime CuDNN library: \\S+ but source was '
                                              'compiled with|(?:Unable to initialize backend '
                                              "'(?:cuda|gpu)'|Backend '(?:cuda|gpu)' failed to initialize): "
                                              '[^\\n]*(?:Found cuDNN version \\d+, but JAX was built '
                                              'against|Unable to load cuDNN\\b|issues with CUDA '
                                              'components:\\s*(?:\\S+\\s+)?Outdated cuDNN installation)|Could not '
                                              'load library libcudnn\\w*\\.so[.\\d]*\\.\\s+Error: |Unable to load '
                                              'any of \\{libcudnn|Invalid handle\\. Cannot load symbol '
                                              'cudnn\\w+|undefined symbol: cudnn\\w+)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 32,
              'code': 224,
              'phrase': 'ContainerCudaVersionMismatch',
              'behavior': 'PERMANENT',
              'reason': 'the CUDA (or ROCm) build does not match this GPU or its driver: no kernel image for its '
                        'architecture, a PTX or driver too new or too old',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?i)(?:no kernel image is available for execution on the '
                                              'device|cudaErrorNoKernelImageForDevice|CUDA_ERROR_NO_BINARY_FOR_GPU|\\b(?:CUDA|HIP) '
                                              'error: invalid device '
                                              'function|hipErrorInvalidDeviceFunction|cudaErrorInvalidDeviceFunction|the '
                                              'provided PTX was compiled with an unsupported '
                                              'toolchain|CUDA_ERROR_UNSUPPORTED_PTX_VERSION|cudaErrorUnsupportedPtxVersion|forward '
                                              'compatibility was attempted on non supported '
                                              'HW|CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE|cudaErrorCompatNotSupportedOnDevice|system '
                                              'has unsupported display driver / cuda driver '
                                              'combination|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|cudaErrorSystemDriverMismatch|CUDA '
                                              'driver version is insufficient for CUDA runtime version|The NVIDIA '
                                              'driver on your system is too old|ptxas(?:-\\w+)? fatal\\s*: Value '
                                              "'sm_\\w+' is not defined for option 'gpu-name'|CUDA Setup failed "
                                              'despite GPU being available|(?:Unable to initialize backend '
                                              "'(?:cuda|gpu)'|Backend '(?:cuda|gpu)' failed to initialize): "
                                              '[^\\n]*(?:Found (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) '
                                              'version \\d+, but JAX was built against|Outdated '
                                              '(?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) '
                                              'installation)|The detected CUDA version \\([\\d.]+\\) mismatches '
                                              'the version that was used to compile\\s+PyTorch|Torch not compiled '
                                              'with CUDA enabled)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 255,
                            'user_log_regex': '(?i)(?:no kernel image is available for execution on the '
                                              'device|cudaErrorNoKernelImageForDevice|CUDA_ERROR_NO_BINARY_FOR_GPU|\\b(?:CUDA|HIP) '
                                              'error: invalid device '
                                              'function|hipErrorInvalidDeviceFunction|cudaErrorInvalidDeviceFunction|the '
                                              'provided PTX was compiled with an unsupported '
                                              'toolchain|CUDA_ERROR_UNSUPPORTED_PTX_VERSION|cudaErrorUnsupportedPtxVersion|forward '
                                              'compatibility was attempted on non supported '
                                              'HW|CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE|cudaErrorCompatNotSupportedOnDevice|system '
                                              'has unsupported display driver / cuda driver '
                                              'combination|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|cudaErrorSystemDriverMismatch|CUDA '
                                              'driver version is insufficient for CUDA runtime version|The NVIDIA '
                                              'driver on your system is too old|ptxas(?:-\\w+)? fatal\\s*: Value '
                                              "'sm_\\w+' is not defined for option 'gpu-name'|CUDA Setup failed "
                                              'despite GPU being available|(?:Unable to initialize backend '
                                              "'(?:cuda|gpu)'|Backend '(?:cuda|gpu)' failed to initialize): "
                                              '[^\\n]*(?:Found (?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) '
                                              'version \\d+, but JAX was built against|Outdated '
                                              '(?:CUDA|cuBLAS|cuSOLVER|cuSPARSE|cuFFT|cuPTI|NCCL) '
                                              'installation)|The detected CUDA version \\([\\d.]+\\) mismatches '
                                              'the version that was used to compile\\s+PyTorch|Torch not compiled '
                                              'with CUDA enabled)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 33,
              'code': 240,
              'phrase': 'ContainerCudaKernelFault',
              'behavior': 'UNKNOWN',
              'reason': 'a GPU kernel faulted or could not run: an illegal memory access, a device-side assertion, '
                        'a launch the GPU cannot run',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:an illegal memory access was encountered|device-side assert '
                                              'triggered|misaligned address|an illegal instruction was '
                                              'encountered|unspecified launch failure|the launch timed out and was '
                                              'terminated|too many resources requested for '
                                              'launch|CUDA_ERROR_(?:ILLEGAL_ADDRESS|ILLEGAL_INSTRUCTION|MISALIGNED_ADDRESS|LAUNCH_FAILED|ASSERT|LAUNCH_TIMEOUT|LAUNCH_OUT_OF_RESOURCES|HARDWARE_STACK_ERROR)\\b|cudaError(?:IllegalAddress|IllegalInstruction|MisalignedAddress|LaunchFailure|Assert|LaunchTimeout|LaunchOutOfResources|HardwareStackError)\\b|hipError(?:IllegalAddress|LaunchFailure|Assert)\\b|\\.cu:\\d+: '
                                              '[^\\n]*Assertion `[^\\n]*` failed|block: \\[\\d+, ?\\d+, ?\\d+\\], '
                                              'thread: \\[\\d+, ?\\d+, ?\\d+\\] Assertion `|Memory access fault by '
                                              'GPU '
                                              'node-\\d+|HSA_STATUS_ERROR_(?:MEMORY_APERTURE_VIOLATION|MEMORY_FAULT|EXCEPTION|ILLEGAL_INSTRUCTION)\\b|triton\\.runtime\\.errors\\.OutOfResources: '
                                              'out of resource)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 34,
              'code': 241,
              'phrase': 'ContainerCudaLibraryFailed',
              'behavior': 'UNKNOWN',
              'reason': 'a CUDA library call (cuBLAS, cuDNN, cuFFT, cuSOLVER, cuSPARSE, cuRAND) failed',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:CUBLAS_STATUS_[A-Z_]+|CUDNN_STATUS_[A-Z_]+|cuDNN error:|cuBLAS '
                                              'error|cublas runtime error|GET was unable to find an engine to '
                                              'execute this computation|Unable to find a valid cuDNN '
                                              'algorithm|Failed to get convolution algorithm|cuDNN failed to '
                                              'initialize|Blas (?:\\w+ )?launch failed|cuBLAS API failed with '
                                              'status \\d+|cublasLt ran into an '
                                              'error|CUFFT_(?:INTERNAL_ERROR|ALLOC_FAILED|EXEC_FAILED|SETUP_FAILED|INVALID_PLAN|INVALID_VALUE|INVALID_TYPE|INVALID_SIZE|UNALIGNED_DATA|INVALID_DEVICE|NO_WORKSPACE|NOT_IMPLEMENTED|NOT_SUPPORTED)\\b|cuFFT '
                                              'error|CUSOLVER_STATUS_[A-Z_]+|cusolver '
                                              'error|CUSPARSE_STATUS_[A-Z_]+|cuSPARSE '
                                              'error|CURAND_STATUS_[A-Z_]+|cuDNN launch failure|DNN library '
                                              'initialization failed|cuBLAS call failed|cuDNN Frontend '
                                              'error|\\[cudnn_frontend\\] '
                                              'Error|\\b(?:HIPBLAS|ROCBLAS|HIPBLASLT|HIPSPARSE|ROCSPARSE|HIPSOLVER|ROCSOLVER|HIPFFT|ROCFFT|HIPRAND|ROCRAND|CUTENSOR)_STATUS_[A-Z_]+|\\bmiopenStatus(?:NotInitialized|InvalidValue|BadParm|AllocFailed|InternalError|NotImplemented|UnknownError|UnsupportedOp|GpuOperationsSkipped|VersionMismatch)\\b|MIOpen '
                                              'Error: |rocBLAS error: |hipBLASLt error|cuBLASLt '
                                              'error|\\bcu(?:Solver|BLAS|SPARSE|FFT|DNN|RAND) (?:internal '
                                              'error|has not been initialized)\\b|\\boperation '
                                              '(?:gpu|cu|hip)(?:solver|blas|sparse|fft|dnn)\\w*\\([^\\n]*\\) '
                                              'failed: )',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 35,
              'code': 234,
              'phrase': 'ContainerSigvFault',
              'behavior': 'PERMANENT',
              'reason': 'a process crashed (segmentation fault)',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:mpirun failed with exit code 139\\b|exited on signal 11\\b|exit '
                                              'codes of the workers are \\{[^}\\n]*SIGSEGV\\(-11\\)|Signal 11 '
                                              '\\(SIGSEGV\\) received by PID|exitcode\\s*:\\s*-11\\b|terminated '
                                              'with signal SIGSEGV|exits with return code = -11\\b|died with '
                                              '<Signals\\.SIGSEGV: 11>|(?:exit(?:ed)? with status code|Exit '
                                              'code:|returned non-zero exit status|failed with exit '
                                              'code)\\s*139\\b|returned non-zero exit status '
                                              '-11\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-11\\b))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 36,
              'code': 222,
              'phrase': 'ContainerMPISegvFault',
              'behavior': 'PERMANENT',
              'reason': 'an MPI process crashed (segmentation fault)',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': 'Signal code: Address not mapped',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 37,
              'code': 237,
              'phrase': 'ContainerHostMemoryOOMKilled',
              'behavior': 'PERMANENT',
              'reason': "the kernel's OOM killer ended a process (host memory, not GPU memory), or the process ran "
                        'out of host memory',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:exitcode\\s*:\\s*-9\\b|Signal 9 \\(SIGKILL\\) received by PID|is '
                                              'killed by signal: Killed|exited on signal 9 \\(Killed\\)|=\\s+EXIT '
                                              'CODE: 9\\b|exits with return code = -9\\b|terminated with signal '
                                              'SIGKILL|exit with status code '
                                              '-9\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-9\\b)|ray\\.exceptions\\.OutOfMemoryError|exceeds '
                                              'the memory usage threshold of [\\d.]+\\. Ray killed this '
                                              'worker|Task was killed due to the node running low on '
                                              'memory|(?i:killed due to memory pressure)|node running low on '
                                              'memory|RayOutOfMemoryError|Worker (?:\\S+ (?:\\(pid=\\d+\\) '
                                              ')?)?exceeded \\d+% memory budget|exit codes of the workers are '
                                              '\\{[^}\\n]*SIGKILL\\(-9\\)|Failed core proc\\(s\\): \\{[^}\\n]*: '
                                              '-9\\b|The worker may have exceeded K8s pod memory limits|Detected '
                                              '\\d+ oom[-_]kill events?|killed by the cgroup out-of-memory '
                                              'handler|srun: error: [^\\n]*: tasks? [\\d,-]+: (?:Out Of '
                                              'Memory|Killed)\\b|Out of memory: Kill(?:ed)? process '
                                              '\\d+|oom-kill:constraint=|: line \\d+: +\\d+ Killed +\\S|died with '
                                              '<Signals\\.SIGKILL: 9>|(?:exit(?:ed)? with status code|Exit '
                                              'code:|returned non-zero exit status|failed with exit '
                                              'code)\\s*137\\b|exit code 137 [(（]interrupted by signal 9[:：] '
                                              '?SIGKILL[)）]|\\bOOMKilled\\b|\\bOOM-killed\\b|The node was low on '
                                              'resource: memory|Container killed by YARN for exceeding (?:physical '
                                              '|virtual )?memory limits|TERM_MEMLIMIT\\b|\\bexceeded memory limit '
                                              '\\(\\d+ > \\d+\\), being '
                                              'killed|(?i:\\b(?:exit(?:ed)?|exits|finished|terminated)\\b[^\\n]{0,30}?\\b(?:code|status)\\b\\s*[=:]?\\s*137\\b)|\\bsignal: '
                                              "killed\\b|Failed with result 'oom-kill')",
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 247,
                            'user_log_regex': '(?:exitcode\\s*:\\s*-9\\b|Signal 9 \\(SIGKILL\\) received by PID|is '
                                              'killed by signal: Killed|exited on signal 9 \\(Killed\\)|=\\s+EXIT '
                                              'CODE: 9\\b|exits with return code = -9\\b|terminated with signal '
                                              'SIGKILL|exit with status code '
                                              '-9\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-9\\b)|ray\\.exceptions\\.OutOfMemoryError|exceeds '
                                              'the memory usage threshold of [\\d.]+\\. Ray killed this '
                                              'worker|Task was killed due to the node running low on '
                                              'memory|(?i:killed due to memory pressure)|node running low on '
                                              'memory|RayOutOfMemoryError|Worker (?:\\S+ (?:\\(pid=\\d+\\) '
                                              ')?)?exceeded \\d+% memory budget|exit codes of the workers are '
                                              '\\{[^}\\n]*SIGKILL\\(-9\\)|Failed core proc\\(s\\): \\{[^}\\n]*: '
                                              '-9\\b|The worker may have exceeded K8s pod memory limits|Detected '
                                              '\\d+ oom[-_]kill events?|killed by the cgroup out-of-memory '
                                              'handler|srun: error: [^\\n]*: tasks? [\\d,-]+: (?:Out Of '
                                              'Memory|Killed)\\b|Out of memory: Kill(?:ed)? process '
                                              '\\d+|oom-kill:constraint=|: line \\d+: +\\d+ Killed +\\S|died with '
                                              '<Signals\\.SIGKILL: 9>|(?:exit(?:ed)? with status code|Exit '
                                              'code:|returned non-zero exit status|failed with exit '
                                              'code)\\s*137\\b|exit code 137 [(（]interrupted by signal 9[:：] '
                                              '?SIGKILL[)）]|\\bOOMKilled\\b|\\bOOM-killed\\b|The node was low on '
                                              'resource: memory|Container killed by YARN for exceeding (?:physical '
                                              '|virtual )?memory limits|TERM_MEMLIMIT\\b|\\bexceeded memory limit '
                                              '\\(\\d+ > \\d+\\), being '
                                              'killed|(?i:\\b(?:exit(?:ed)?|exits|finished|terminated)\\b[^\\n]{0,30}?\\b(?:code|status)\\b\\s*[=:]?\\s*137\\b)|\\bsignal: '
                                              "killed\\b|Failed with result 'oom-kill')",
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 2,
                            'exit_code': 9,
                            'user_log_regex': '(?:exitcode\\s*:\\s*-9\\b|Signal 9 \\(SIGKILL\\) received by PID|is '
                                              'killed by signal: Killed|exited on signal 9 \\(Killed\\)|=\\s+EXIT '
                                              'CODE: 9\\b|exits with return code = -9\\b|terminated with signal '
                                              'SIGKILL|exit with status code '
                                              '-9\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-9\\b)|ray\\.exceptions\\.OutOfMemoryError|exceeds '
                                              'the memory usage threshold of [\\d.]+\\. Ray killed this '
                                              'worker|Task was killed due to the node running low on '
                                              'memory|(?i:killed due to memory pressure)|node running low on '
                                              'memory|RayOutOfMemoryError|Worker (?:\\S+ (?:\\(pid=\\d+\\) '
                                              ')?)?exceeded \\d+% memory budget|exit codes of the workers are '
                                              '\\{[^}\\n]*SIGKILL\\(-9\\)|Failed core proc\\(s\\): \\{[^}\\n]*: '
                                              '-9\\b|The worker may have exceeded K8s pod memory limits|Detected '
                                              '\\d+ oom[-_]kill events?|killed by the cgroup out-of-memory '
                                              'handler|srun: error: [^\\n]*: tasks? [\\d,-]+: (?:Out Of '
                                              'Memory|Killed)\\b|Out of memory: Kill(?:ed)? process '
                                              '\\d+|oom-kill:constraint=|: line \\d+: +\\d+ Killed +\\S|died with '
                                              '<Signals\\.SIGKILL: 9>|(?:exit(?:ed)? with status code|Exit '
                                              'code:|returned non-zero exit status|failed with exit '
                                              'code)\\s*137\\b|exit code 137 [(（]interrupted by signal 9[:：] '
                                              '?SIGKILL[)）]|\\bOOMKilled\\b|\\bOOM-killed\\b|The node was low on '
                                              'resource: memory|Container killed by YARN for exceeding (?:physical '
                                              '|virtual )?memory limits|TERM_MEMLIMIT\\b|\\bexceeded memory limit '
                                              '\\(\\d+ > \\d+\\), being '
                                              'killed|(?i:\\b(?:exit(?:ed)?|exits|finished|terminated)\\b[^\\n]{0,30}?\\b(?:code|status)\\b\\s*[=:]?\\s*137\\b)|\\bsignal: '
                                              "killed\\b|Failed with result 'oom-kill')",
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 3,
                            'exit_code': 1,
                            'user_log_regex': '(?m)(?:^(?:\\[[^\\]\\n]*\\]:? |[\\w.-]+: '
                                              ')?MemoryError\\b|\\bMemoryError: |_ArrayMemoryError: Unable to '
                                              'allocate|Unable to allocate [\\d.]+ [KMGTPE]?i?B for an array|There '
                                              'is insufficient memory for the Java Runtime '
                                              'Environment|java\\.lang\\.OutOfMemoryError: (?:Java heap space|GC '
                                              'overhead limit exceeded)|\\[Errno 12\\] Cannot allocate '
                                              'memory|unable to mmap \\d+ bytes[^\\n]*: Cannot allocate memory|: '
                                              'Cannot allocate memory \\(12\\)|\\bfork: (?:retry: )?Cannot '
                                              'allocate memory|std::bad_alloc|DefaultCPUAllocator: (?:not enough '
                                              "memory|can't allocate memory)|(?:failed|unable) to allocate CPU "
                                              'buffer|\\bTorch: not enough memory: you tried to '
                                              'allocate|posix_memalign\\([^\\n]*\\) == 0\\. 12 vs 0|mkl_malloc: '
                                              "failed to allocate memory|\\bMemory isn't enough and alloc "
                                              'failed|\\bOut of Host '
                                              'Memory\\b|\\bCL_OUT_OF_HOST_MEMORY\\b|\\bmodel requires more system '
                                              'memory \\([\\d.]+ [KMGT]i?B\\) than is available)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 38,
              'code': 239,
              'phrase': 'ContainerRendezvousFailed',
              'behavior': 'TRANSIENT',
              'reason': 'the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:is setting up [NH]CCL communicator and retr(?:ie|ei)ving '
                                              '[nh]cclUniqueId from \\[\\d+\\] via c10d key-value store|(?i:timed '
                                              'out initializing process group in store[ -]based '
                                              'barrier)|DistStoreError\\b|Wait timeout after \\d+ seconds for '
                                              'key\\(s\\): )',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 39,
              'code': 238,
              'phrase': 'ContainerCollectiveCommunicationFailed',
              'behavior': 'TRANSIENT',
              'reason': 'a collective communication operation (NCCL, gloo, MPI, Horovod) failed or timed out: a '
                        'peer died, the network failed or the communicator was set up wrong',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:Watchdog caught collective operation timeout|NCCL error(?: '
                                              'in)?:|DistBackendError|nccl(?:System|Internal|Remote|InvalidUsage|InvalidArgument|UnhandledCuda)Error|NCCL '
                                              'communicat(?:or was|ion) '
                                              'aborted|gloo[/\\\\]transport[/\\\\]\\w+[/\\\\][^\\n]*(?:Connection '
                                              '(?:closed|reset) by peer|Read error|Read timeout|Write '
                                              'timeout|Socket (?:unexpectedly )?closed|Timed out|Application '
                                              'timeout caused pair closure)|Gloo connectFullMesh failed|This is '
                                              'typically caused by a remote worker crashing\\. Check the logs of '
                                              'the remote worker|Application timeout caused pair closure|Timed out '
                                              'waiting \\d+ms for (?:recv|send) operation to complete|enforce fail '
                                              'at '
                                              '[^\\n]*gloo[/\\\\]|gloo::(?:EnforceNotMet|IoException|transport::\\w+::Pair)\\b|ProcessGroupGloo::(?:runLoop|\\w*[Ww]ait\\w*)\\b|NET/IB\\w* '
                                              '?: ?Got completion from peer|net_ib\\.cc:\\d+ NCCL WARN NET/IB ?: '
                                              '(?:Got completion|[^G\\n ])|NCCL WARN [^\\n]*ibv_\\w+ failed|NCCL '
                                              'Error \\d+: |nccl\\w+ failed: (?:unhandled system error|unhandled '
                                              'cuda error|internal error|remote process exited|invalid '
                                              'usage|invalid argument)|NCCL WARN '
                                              '[^\\n]*(?:socketStartConnect|socketProgress|Connect to '
                                              '[^\\n]*failed|Connection (?:closed by remote peer|refused|reset by '
                                              'peer)|Broken pipe|Socket recv failed|[Bb]ootstrap)|== ncclSuccess '
                                              '\\(\\d+ vs\\. 0\\)|NCCL WARN Duplicate GPU detected|NCCL INFO '
                                              '[\\w./-]+\\.(?:cc|cu|h):\\d+ -> '
                                              '[1-6]\\b|ProcessGroupNCCL::(?:WorkNCCL::checkTimeout|ncclCommWatchdog|watchdogHandler|workCleanupLoop)\\b|Exception '
                                              'raised from '
                                              '(?:checkTimeout|ncclCommWatchdog|watchdogHandler|workCleanupLoop) '
                                              'at |[Ww]atchdog thread terminated with exception|[Hh]eartbeat '
                                              'monitor timed out|watchdog got stuck for \\d+ seconds|detected by '
                                              'watchdog at work: \\d+|Timeout at NCCL work: \\d+|last enqueued '
                                              'NCCL work: -?\\d+, last completed NCCL work: -?\\d+|Received a dump '
                                              'signal due to a collective timeout|Some NCCL operations have failed '
                                              'or timed out|HorovodInternalError\\b|An error occurred in '
                                              'MPI_\\w+|(?:Error|Exception|what\\(\\)):\\s+\\[[^\\]\\n]*\\bgloo[/\\\\]\\w+[/\\\\][^\\]\\n]*:\\d+\\] '
                                              '|HCCL function error ?: |OPS function error: [Hh]ccl\\w+|DIST call '
                                              'hccl api failed|\\bHCCL error in: |\\bE[IJ]\\d{4}: |\\[ERROR\\] '
                                              'HCCL\\(\\d+,|HCCL OP RETRY FAILED|failed to pass monitoredBarrier '
                                              'in \\d+ ms|timed out in monitoredBarrier|Fatal error in \\w+: '
                                              '[^\\n]*, error stack:|\\|CCL_ERROR\\| |oneCCL: [\\w.]+:\\d+ \\w+: '
                                              '|UCX +ERROR [^\\n]*(?:Transport retry count exceeded|[Ee]ndpoint '
                                              'timeout|Destination is unreachable|Connection reset by remote '
                                              'peer|Remote access error|Input/output error)|Transport retry count '
                                              'exceeded on \\w+:\\d+|\\[btl_tcp_\\w+\\.c:\\d+:mca_btl_tcp_\\w+\\] '
                                              '[^\\n]*failed|(?:ORTE|PRTE) has lost communication with|Collective '
                                              'ops is aborted by: '
                                              '(?:[^E\\n]|E[^n])|BaseCollectiveExecutor::StartAbort '
                                              '(?:Unavailable|UNAVAILABLE|Internal|INTERNAL|Deadline '
                                              '?[Ee]xceeded|DEADLINE_EXCEEDED|Unknown|UNKNOWN): |Aborting Ring\\w+ '
                                              'with (?:Unavailable|UNAVAILABLE|Internal|INTERNAL|Deadline '
                                              '?[Ee]xceeded|DEADLINE_EXCEEDED): '
                                              '|\\bMPI_ERR_[A-Z_]+\\b|(?i:nccl[^\\n]{0,80}?(?:unhandled '
                                              '(?:system|cuda) error|remote process exited or there was a network '
                                              'error|invalid usage)))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 40,
              'code': 239,
              'phrase': 'ContainerRendezvousFailed',
              'behavior': 'TRANSIENT',
              'reason': 'the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?m)(?:DistNetworkError|Rendezvous\\w*Error(?::|\\(|$)|The client '
                                              'socket has timed out after|(?:Error|Exception): The client socket '
                                              'has failed to connect|(?:Error|Exception): The server socket has '
                                              'failed to listen on any local network address|TCP client failed to '
                                              'connect|failed to connect to any network address of|\\[E '
                                              '[^]\\n]*\\] \\[c10d\\] The client socket has failed to '
                                              'connect|connect\\(\\) timed out|(?i:(?:Error|Exception): Socket '
                                              'Timeout\\b|Timed out after \\d+ seconds waiting for '
                                              '(?:clients|workers)|wait timeout (?:after \\d+ ?ms, keys:|for '
                                              'key\\(s\\): ))|TCPStore\\b[^\\n]*timed out|Stop_waiting response is '
                                              'expected|The connection to the C10d store has '
                                              'failed|(?:DistNetworkError|DistStoreError|RuntimeError): [Ff]ailed '
                                              'to recv, got 0 bytes|Error initializing torch\\.distributed using '
                                              '\\w+:// rendezvous|DEADLINE_EXCEEDED: Barrier timed out\\. '
                                              '(?:Barrier_id|Id): |Stopping coordination service as cluster '
                                              'registration failed|Coordination service agent in error status: '
                                              '(?:DEADLINE_EXCEEDED|UNAVAILABLE)|(?:UnavailableError|UNAVAILABLE):[^\\n]*failed '
                                              'to connect to all addresses|(?:ORTE|PRTE) was unable to reliably '
                                              'start one or more daemons|ssh: Could not resolve hostname [^\\n]*: '
                                              '(?:Name or service not known|Temporary failure in name '
                                              'resolution|nodename nor '
                                              'servname)|(?s:_rendezvous_handler\\n.{0,600}?\\n(?:\\[rank\\d+\\]: '
                                              '?)?[\\w.]*(?:Error|Exception): [^\\n]*(?:[Tt]imed out|refused|reset '
                                              'by peer|Broken pipe|Name or service not known|No route to host)))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 41,
              'code': 134,
              'phrase': 'ContainerSigAbrtReceived',
              'behavior': 'UNKNOWN',
              'reason': 'a process aborted (SIGABRT)',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:exitcode\\s*:\\s*-6\\b|\\bsignal: aborted\\b|Signal 6 '
                                              '\\(SIGABRT\\) received by PID|Fatal Python error: '
                                              'Aborted|terminated with signal SIGABRT|exits with return code = '
                                              '-6\\b|exited on signal 6 \\(Aborted\\)|is killed by signal: '
                                              'Aborted|died with <Signals\\.SIGABRT: 6>|exit codes of the workers '
                                              'are \\{[^}\\n]*SIGABRT\\(-6\\)|(?:exit(?:ed)? with status code|Exit '
                                              'code:|returned non-zero exit status|failed with exit '
                                              'code)\\s*134\\b|returned non-zero exit status '
                                              '-6\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-6\\b))',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 250,
                            'user_log_regex': '(?:exitcode\\s*:\\s*-6\\b|\\bsignal: aborted\\b|Signal 6 '
                                              '\\(SIGABRT\\) received by PID|Fatal Python error: '
                                              'Aborted|terminated with signal SIGABRT|exits with return code = '
                                              '-6\\b|exited on signal 6 \\(Aborted\\)|is killed by signal: '
                                              'Aborted|died with <Signals\\.SIGABRT: 6>|exit codes of the workers '
                                              'are \\{[^}\\n]*SIGABRT\\(-6\\)|(?:exit(?:ed)? with status code|Exit '
                                              'code:|returned non-zero exit status|failed with exit '
                                              'code)\\s*134\\b|returned non-zero exit status '
                                              '-6\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-6\\b))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 42,
              'code': 135,
              'phrase': 'ContainerSigBusReceived',
              'behavior': 'PERMANENT',
              'reason': 'a worker died of SIGBUS (in a container, usually its shared memory /dev/shm is too small)',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:is killed by signal:\\s+Bus error|\\bsignal: bus '
                                              'error\\b|Unexpected bus error encountered in worker|Caught signal 7 '
                                              '\\(Bus error|Fatal Python error: Bus '
                                              'error|exitcode\\s*:\\s*-7\\b|Signal 7 \\(SIGBUS\\) received by '
                                              'PID|exited on signal 7 \\(Bus error\\)|terminated with signal '
                                              'SIGBUS|died with <Signals\\.SIGBUS: 7>|exits with return code = '
                                              '-7\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-7\\b))',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 249,
                            'user_log_regex': '(?:is killed by signal:\\s+Bus error|\\bsignal: bus '
                                              'error\\b|Unexpected bus error encountered in worker|Caught signal 7 '
                                              '\\(Bus error|Fatal Python error: Bus '
                                              'error|exitcode\\s*:\\s*-7\\b|Signal 7 \\(SIGBUS\\) received by '
                                              'PID|exited on signal 7 \\(Bus error\\)|terminated with signal '
                                              'SIGBUS|died with <Signals\\.SIGBUS: 7>|exits with return code = '
                                              '-7\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-7\\b))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 43,
              'code': 132,
              'phrase': 'ContainerSigIllReceived',
              'behavior': 'PERMANENT',
              'reason': 'a process was killed by SIGILL (an illegal instruction: usually a build for a newer CPU, '
                        'e.g. AVX)',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:\\bsignal: illegal instruction\\b|terminated by signal '
                                              'SIGILL\\b|exitcode\\s*:\\s*-4\\b|Signal 4 \\(SIGILL\\) received by '
                                              'PID|exited on signal 4 \\(Illegal instruction\\)|died with '
                                              '<Signals\\.SIGILL: 4>|exits with return code = -4\\b|returned '
                                              'non-zero exit status -4\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 252,
                            'user_log_regex': '(?:\\bsignal: illegal instruction\\b|terminated by signal '
                                              'SIGILL\\b|exitcode\\s*:\\s*-4\\b|Signal 4 \\(SIGILL\\) received by '
                                              'PID|exited on signal 4 \\(Illegal instruction\\)|died with '
                                              '<Signals\\.SIGILL: 4>|exits with return code = -4\\b|returned '
                                              'non-zero exit status -4\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 44,
              'code': 136,
              'phrase': 'ContainerSigFpeReceived',
              'behavior': 'PERMANENT',
              'reason': 'a process was killed by SIGFPE (an integer division by zero or overflow)',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:\\bsignal: floating point exception\\b|terminated by signal '
                                              'SIGFPE\\b|exitcode\\s*:\\s*-8\\b|Signal 8 \\(SIGFPE\\) received by '
                                              'PID|exited on signal 8 \\(Floating point exception\\)|died with '
                                              '<Signals\\.SIGFPE: 8>|exits with return code = -8\\b|returned '
                                              'non-zero exit status -8\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 248,
                            'user_log_regex': '(?:\\bsignal: floating point exception\\b|terminated by signal '
                                              'SIGFPE\\b|exitcode\\s*:\\s*-8\\b|Signal 8 \\(SIGFPE\\) received by '
                                              'PID|exited on signal 8 \\(Floating point exception\\)|died with '
                                              '<Signals\\.SIGFPE: 8>|exits with return code = -8\\b|returned '
                                              'non-zero exit status -8\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 45,
              'code': 242,
              'phrase': 'ContainerDiskFull',
              'behavior': 'UNKNOWN',
              'reason': 'a filesystem the job writes to is full, or its quota is exceeded',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:(?i:no space left on device|disk quota exceeded)|\\[Errno '
                                              '28\\]|\\[Errno 122\\]|kind: StorageFull|PytorchStreamWriter failed '
                                              'writing file|: Wrote only \\d+ of \\d+ '
                                              'bytes|inline_container\\.cc:\\d+\\] \\. ?unexpected pos \\d+ vs '
                                              '\\d+|Not enough disk space\\. Needed: |Not enough free space to '
                                              'write \\d+ bytes|database or disk is full|kind: '
                                              'FilesystemQuotaExceeded|\\[WinError 112\\]|There is not enough '
                                              'space on the disk|\\bENOSPC\\b[^\\n]{0,20}(?i:no space|space '
                                              'left|disk full)|\\bEDQUOT\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 2,
                            'user_log_regex': '(?:(?i:no space left on device|disk quota exceeded)|\\[Errno '
                                              '28\\]|\\[Errno 122\\]|kind: StorageFull|PytorchStreamWriter failed '
                                              'writing file|: Wrote only \\d+ of \\d+ '
                                              'bytes|inline_container\\.cc:\\d+\\] \\. ?unexpected pos \\d+ vs '
                                              '\\d+|Not enough disk space\\. Needed: |Not enough free space to '
                                              'write \\d+ bytes|database or disk is full|kind: '
                                              'FilesystemQuotaExceeded|\\[WinError 112\\]|There is not enough '
                                              'space on the disk|\\bENOSPC\\b[^\\n]{0,20}(?i:no space|space '
                                              'left|disk full)|\\bEDQUOT\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 2,
                            'exit_code': 128,
                            'user_log_regex': '(?:(?i:no space left on device|disk quota exceeded)|\\[Errno '
                                              '28\\]|\\[Errno 122\\]|kind: StorageFull|PytorchStreamWriter failed '
                                              'writing file|: Wrote only \\d+ of \\d+ '
                                              'bytes|inline_container\\.cc:\\d+\\] \\. ?unexpected pos \\d+ vs '
                                              '\\d+|Not enough disk space\\. Needed: |Not enough free space to '
                                              'write \\d+ bytes|database or disk is full|kind: '
                                              'FilesystemQuotaExceeded|\\[WinError 112\\]|There is not enough '
                                              'space on the disk|\\bENOSPC\\b[^\\n]{0,20}(?i:no space|space '
                                              'left|disk full)|\\bEDQUOT\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 3,
                            'exit_code': 255,
                            'user_log_regex': '(?:(?i:no space left on device|disk quota exceeded)|\\[Errno '
                                              '28\\]|\\[Errno 122\\]|kind: StorageFull|PytorchStreamWriter failed '
                                              'writing file|: Wrote only \\d+ of \\d+ '
                                              'bytes|inline_container\\.cc:\\d+\\] \\. ?unexpected pos \\d+ vs '
                                              '\\d+|Not enough disk space\\. Needed: |Not enough free space to '
                                              'write \\d+ bytes|database or disk is full|kind: '
                                              'FilesystemQuotaExceeded|\\[WinError 112\\]|There is not enough '
                                              'space on the disk|\\bENOSPC\\b[^\\n]{0,20}(?i:no space|space '
                                              'left|disk full)|\\bEDQUOT\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 46,
              'code': 243,
              'phrase': 'ContainerCorruptCheckpoint',
              'behavior': 'PERMANENT',
              'reason': 'a checkpoint or model file is truncated or corrupt',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:PytorchStreamReader failed (?:reading|locating file '
                                              '(?:data(?:\\.pkl|/\\d+)|version|byteorder))|Expected '
                                              'hasRecord\\("version"\\) to be true|failed finding central '
                                              'directory|unexpected EOF[^\\n]*(?:might be corrupted|more '
                                              'bytes)|Error while deserializing header: '
                                              '\\w+|\\b(?:HeaderTooLarge|HeaderTooSmall|MetadataIncompleteBuffer|InvalidHeaderDeserialization|InvalidHeaderStart|InvalidHeaderLength)\\b|incomplete '
                                              'metadata, file not fully covered|\\bBadZip[Ff]ile: '
                                              '|inline_container\\.cc:\\d+\\] \\. file not found: '
                                              "\\w+/(?:data\\.pkl|version|byteorder)|Can't read data \\((?:wrong "
                                              'B-tree signature|inflate\\(\\) failed)|Unable to (?:synchronously '
                                              ')?open (?:file|object) \\((?:truncated file: eof = \\d+|file '
                                              'signature not found|bad (?:object header|symbol table|local '
                                              'heap|heap)[^)\\n]*)|(?:DataLossError|Data loss|DATA_LOSS): '
                                              '[^\\n]*(?:[Cc]hecksum does not match|truncated (?:record|block '
                                              'read)|corrupted record|file is too short to be an sstable|[Bb]lock '
                                              'checksum mismatch|[Uu]nexpected end of '
                                              '(?:data|file|stream|input))|model is corrupted or '
                                              'incomplete|gguf_init_from_file\\w*: invalid magic|INVALID_PROTOBUF '
                                              ': [^\\n]*Protobuf parsing failed|Load model from [^\\n]* failed: '
                                              '?Protobuf parsing failed|(?:OutOfRangeError|Out of '
                                              'range|OUT_OF_RANGE): [^\\n]*Read less bytes than '
                                              'requested|Requested byte range \\[\\d+, ?\\d+\\) is not valid for '
                                              'value of size \\d+|ValidationError: Unable to parse proto from '
                                              'file: |DecodeError: Error parsing message|Unable to load weights '
                                              'from (?:pytorch )?checkpoint file|You seem to have cloned a '
                                              'repository without having git-lfs installed|pickle data was '
                                              'truncated|Invalid magic number; corrupt file|storage has wrong '
                                              '(?:byte )?size: expected (?:\\d+|%ld) got|invalid load '
                                              'key|(?s:serialization\\.py", line \\d+.{0,400}EOFError: Ran out of '
                                              'input))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 47,
              'code': 244,
              'phrase': 'ContainerTrainingDiverged',
              'behavior': 'PERMANENT',
              'reason': 'training diverged: the loss became NaN or inf, or the loss scale hit its minimum',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?i)(?:loss is (?:nan|inf)\\b|the loss returned in .training_step. '
                                              'is (?:tensor\\()?(?:nan|-?inf)\\b|detected nan and/or inf values in '
                                              '.|tensor had (?:nan|inf) values|invalid loss, terminating '
                                              'training|loss becomes? (?:infinite|nan|inf)\\b|Minimum loss scale '
                                              'reached|Current loss scale already at minimum|outputs? is '
                                              'NAN|returned nan values in its \\d+(?:st|nd|rd|th) '
                                              'output|non-finite loss|loss is not finite|Loss became infinite or '
                                              'NaN|found (?:NaN|Inf) in local (?:grad norm|forward '
                                              'loss)|NanLossDuringTrainingError|Model diverged with loss = '
                                              '(?:NaN|nan|inf|Inf)|\\bFloatingPointError: |(?:training|model) '
                                              'diverged\\b[^\\n]{0,40}\\bnan\\b|(?:nan detected in (?:the '
                                              ')?loss|(?:nan|inf) loss (?:detected|encountered)|loss (?:became|has '
                                              'become|went to) '
                                              '(?:nan|inf)\\b)[^\\n]{0,60}\\b(?:abort|stop|terminat|exit))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 48,
              'code': 229,
              'phrase': 'ContainerIncorrectDataModelError',
              'behavior': 'PERMANENT',
              'reason': 'input data or a model file is missing or unreadable',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:\\b(?:Repository|Revision|Entry)NotFoundError: |is not a local '
                                              'folder and is not a\\s+valid model identifier)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 49,
              'code': 245,
              'phrase': 'ContainerDataPermissionDenied',
              'behavior': 'PERMANENT',
              'reason': 'the job may not read or write a file or directory it needs',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:\\bPermissionError: |\\[WinError 5\\] Access is denied|\\[Error '
                                              '5\\] Access is denied|(?:Error|error|Exception):? \\[Errno 13\\] '
                                              'Permission denied: |\\[Errno 1\\] Operation not permitted: '
                                              '|\\[Errno 30\\] Read-only file system|(?:An error occurred|A client '
                                              'error) '
                                              '\\((?:AccessDenied|403|401|Forbidden|Unauthorized|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AllAccessDisabled|AccountProblem)\\)|does '
                                              'not have storage\\.(?:objects|buckets)\\.\\w+ '
                                              'access|google\\.api_core\\.exceptions\\.(?:Forbidden: '
                                              '403|Unauthorized: 401)|AccessDeniedException: 403|Unable to locate '
                                              'credentials\\b|PermissionError: (?:Access Denied|Forbidden|The AWS '
                                              'Access Key Id you provided|The request signature we '
                                              'calculated)|\\b40[13] Client Error: (?:Unauthorized|Forbidden) for '
                                              'url|HTTP Error 40[13]: '
                                              '(?:Forbidden|Unauthorized)|GatedRepoError\\b|Cannot access gated '
                                              'repo for url|You are trying to access a gated repo|This request is '
                                              'not authorized to perform this operation|fatal: could not create '
                                              '(?:work tree dir|leading directories of) [^\\n]*: Permission '
                                              "denied|\\b(?:cannot|can't|could not|couldn't|unable to|failed to) "
                                              '[^\\n]*: Permission '
                                              'denied\\b|(?m:^(?:tee|cat|touch|mkdir|cp|mv|rm|ln|chmod|chown|install|tar|unzip|head|tail|sed|sort|rsync): '
                                              '[^\\n]*: (?:Permission denied|Read-only file system)$)|error '
                                              'message = .Permission denied.|\\bPermissionDeniedError: '
                                              '|\\bPERMISSION_DENIED: '
                                              '|ErrorCode:\\s*(?:AuthorizationPermissionMismatch|AuthorizationFailure|AuthenticationFailed)\\b|\\bDefaultCredentialsError: '
                                              '|java\\.nio\\.file\\.AccessDeniedException)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 128,
                            'user_log_regex': '(?:\\bPermissionError: |\\[WinError 5\\] Access is denied|\\[Error '
                                              '5\\] Access is denied|(?:Error|error|Exception):? \\[Errno 13\\] '
                                              'Permission denied: |\\[Errno 1\\] Operation not permitted: '
                                              '|\\[Errno 30\\] Read-only file system|(?:An error occurred|A client '
                                              'error) '
                                              '\\((?:AccessDenied|403|401|Forbidden|Unauthorized|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AllAccessDisabled|AccountProblem)\\)|does '
                                              'not have storage\\.(?:objects|buckets)\\.\\w+ '
                                              'access|google\\.api_core\\.exceptions\\.(?:Forbidden: '
                                              '403|Unauthorized: 401)|AccessDeniedException: 403|Unable to locate '
                                              'credentials\\b|PermissionError: (?:Access Denied|Forbidden|The AWS '
                                              'Access Key Id you provided|The request signature we '
                                              'calculated)|\\b40[13] Client Error: (?:Unauthorized|Forbidden) for '
                                              'url|HTTP Error 40[13]: '
                                              '(?:Forbidden|Unauthorized)|GatedRepoError\\b|Cannot access gated '
                                              'repo for url|You are trying to access a gated repo|This request is '
                                              'not authorized to perform this operation|fatal: could not create '
                                              '(?:work tree dir|leading directories of) [^\\n]*: Permission '
                                              "denied|\\b(?:cannot|can't|could not|couldn't|unable to|failed to) "
                                              '[^\\n]*: Permission '
                                              'denied\\b|(?m:^(?:tee|cat|touch|mkdir|cp|mv|rm|ln|chmod|chown|install|tar|unzip|head|tail|sed|sort|rsync): '
                                              '[^\\n]*: (?:Permission denied|Read-only file system)$)|error '
                                              'message = .Permission denied.|\\bPermissionDeniedError: '
                                              '|\\bPERMISSION_DENIED: '
                                              '|ErrorCode:\\s*(?:AuthorizationPermissionMismatch|AuthorizationFailure|AuthenticationFailed)\\b|\\bDefaultCredentialsError: '
                                              '|java\\.nio\\.file\\.AccessDeniedException)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 2,
                            'exit_code': 255,
                            'user_log_regex': '(?:\\bPermissionError: |\\[WinError 5\\] Access is denied|\\[Error '
                                              '5\\] Access is denied|(?:Error|error|Exception):? \\[Errno 13\\] '
                                              'Permission denied: |\\[Errno 1\\] Operation not permitted: '
                                              '|\\[Errno 30\\] Read-only file system|(?:An error occurred|A client '
                                              'error) '
                                              '\\((?:AccessDenied|403|401|Forbidden|Unauthorized|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AllAccessDisabled|AccountProblem)\\)|does '
                                              'not have storage\\.(?:objects|buckets)\\.\\w+ '
                                              'access|google\\.api_core\\.exceptions\\.(?:Forbidden: '
                                              '403|Unauthorized: 401)|AccessDeniedException: 403|Unable to locate '
                                              'credentials\\b|PermissionError: (?:Access Denied|Forbidden|The AWS '
                                              'Access Key Id you provided|The request signature we '
                                              'calculated)|\\b40[13] Client Error: (?:Unauthorized|Forbidden) for '
                                              'url|HTTP Error 40[13]: '
                                              '(?:Forbidden|Unauthorized)|GatedRepoError\\b|Cannot access gated '
                                              'repo for url|You are trying to access a gated repo|This request is '
                                              'not authorized to perform this operation|fatal: could not create '
                                              '(?:work tree dir|leading directories of) [^\\n]*: Permission '
                                              "denied|\\b(?:cannot|can't|could not|couldn't|unable to|failed to) "
                                              '[^\\n]*: Permission '
                                              'denied\\b|(?m:^(?:tee|cat|touch|mkdir|cp|mv|rm|ln|chmod|chown|install|tar|unzip|head|tail|sed|sort|rsync): '
                                              '[^\\n]*: (?:Permission denied|Read-only file system)$)|error '
                                              'message = .Permission denied.|\\bPermissionDeniedError: '
                                              '|\\bPERMISSION_DENIED: '
                                              '|ErrorCode:\\s*(?:AuthorizationPermissionMismatch|AuthorizationFailure|AuthenticationFailed)\\b|\\bDefaultCredentialsError: '
                                              '|java\\.nio\\.file\\.AccessDeniedException)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 50,
              'code': 232,
              'phrase': 'ContainerImportError',
              'behavior': 'PERMANENT',
              'reason': 'a Python module is missing',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': 'error while loading shared libraries: [^\\n]*: cannot open shared '
                                              'object file',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 51,
              'code': 220,
              'phrase': 'UserCommandExitWithError',
              'behavior': 'PERMANENT',
              'reason': 'the user command does not exist or is not executable',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?m)(?:^(?:/(?:usr/)?bin/)?(?:sh|bash|dash)(?:: line \\d+|: \\d+)?: '
                                              '[^\\s:]+: (?:command )?not found '
                                              '*\\n(?:[^\\n]*\\n){0,5}?[^\\n]*(?:Traceback \\(most recent call '
                                              'last\\)|\\w(?:Error|Exception)\\b: )|(?:^|: )(?:(?:line )?\\d+: '
                                              ')?(?:[^\\s:]*/)?(?:torchrun|python[\\d.]*|deepspeed|accelerate|mpirun|mpiexec|horovodrun|srun|llamafactory-cli|colossalai): '
                                              '(?:command )?not found\\b|\\bzsh: command not found: '
                                              '(?:[^\\s:]*/)?(?:torchrun|python[\\d.]*|deepspeed|accelerate|mpirun|mpiexec|horovodrun|srun|llamafactory-cli|colossalai)\\b|returned '
                                              'non-zero exit status 127\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 52,
              'code': 228,
              'phrase': 'ContainerIncorrectParameterError',
              'behavior': 'PERMANENT',
              'reason': 'the job was given a wrong parameter',
              'patterns': [{'index': 0,
                            'exit_code': 2,
                            'user_log_regex': '(?:error: unrecognized arguments:|error: the following arguments '
                                              'are required:|error: argument \\S+: (?:invalid|expected (?:one|at '
                                              'least one) argument)|(?m:^Error: (?:No such option: |Missing option '
                                              '|Missing argument |Invalid value for |Got unexpected extra '
                                              'arguments? )))',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 1,
                            'user_log_regex': '(?:error: unrecognized arguments:|error: the following arguments '
                                              'are required:|error: argument \\S+: (?:invalid|expected (?:one|at '
                                              'least one) argument)|UnrecognizedFlagError: Unknown command line '
                                              'flag|Some specified arguments are not used by the '
                                              'HfArgumentParser|Flags parsing error: |Could not override '
                                              "'[^'\\n]+'\\.|Error merging override |: error: (?:Unrecognized "
                                              'arguments:|Parser key "))',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 2,
                            'exit_code': 1,
                            'user_log_regex': '(?i)\\bunknown option\\b',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 3,
                            'exit_code': 2,
                            'user_log_regex': '(?i)\\bunknown option\\b',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 4,
                            'exit_code': 1,
                            'user_log_regex': '\\w\\(\\)(?: \\([^)\\n]*\\))? (?:got (?:multiple values for|an '
                                              "unexpected) (?:keyword )?argument '|takes (?:from \\d+ to "
                                              '\\d+|\\d+|no) (?:positional |keyword )?arguments? but \\d+ '
                                              '(?:positional arguments? )?(?:was|were) given|missing \\d+ required '
                                              '(?:positional|keyword-only) arguments?: |takes (?:exactly|at '
                                              'most|at least) \\w+ (?:positional |keyword )?arguments? \\(\\d+ '
                                              'given\\)|takes no (?:keyword )?arguments|got some positional-only '
                                              'arguments passed as keyword arguments)',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 5,
                            'exit_code': 1,
                            'user_log_regex': 'InvalidArgumentError: ',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 53,
              'code': 230,
              'phrase': 'ContainerInvalidSavePath',
              'behavior': 'PERMANENT',
              'reason': 'the checkpoint save path is invalid',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:ValueError: (?:Restore called with invalid save path|The passed '
                                              'save_path is not a valid checkpoint)|RuntimeError: Parent directory '
                                              '[^\\n]* does not '
                                              'exist\\.|(?s:_open_zipfile_writer.{0,400}?RuntimeError: File '
                                              '[^\\n]* cannot be opened\\.)|Failed to create a NewWriteableFile: )',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 54,
              'code': 229,
              'phrase': 'ContainerIncorrectDataModelError',
              'behavior': 'PERMANENT',
              'reason': 'input data or a model file is missing or unreadable',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:FileNotFoundError: |(?:IOError|OSError): \\[Errno 2\\] No such '
                                              'file or directory|(?:IsADirectoryError|NotADirectoryError): '
                                              '\\[Errno 2[01]\\]|NotFoundError: [^\\n]*; No such file or '
                                              'directory|does not appear to have a file named |Error no file named '
                                              "[^\\n]* found in directory|Can't load (?:tokenizer|the "
                                              'configuration|config|the model|weights|feature extractor|image '
                                              'processor|processor) for |\\bDatasetNotFoundError: |Dataset not '
                                              'found or corrupted\\. You can use download=True|File not found: '
                                              'filepath=[^\\n]*Please ensure the file is an accessible .\\.keras. '
                                              "zip file|\\bLocalEntryNotFoundError: |We couldn't connect to "
                                              "'https?://[^'\\n]+' to load th|\\bOfflineModeIsEnabled: |Couldn't "
                                              'reach [^\\n]* on the Hub \\()',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 1,
                            'user_log_regex': '\\bUnicode(?:En|De)codeError: ',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 2,
                            'exit_code': 1,
                            'user_log_regex': 'EOFError: Ran out of input',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 3,
                            'exit_code': 1,
                            'user_log_regex': '(?i)perhaps your file is in a different file format',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 4,
                            'exit_code': 1,
                            'user_log_regex': '(?i)input/output error',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 55,
              'code': 232,
              'phrase': 'ContainerImportError',
              'behavior': 'PERMANENT',
              'reason': 'a Python module is missing',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?m)(?:\\b(?:ImportError|ModuleNotFoundError):(?: '
                                              '|$)|DistributionNotFound: The |PackageNotFoundError: No package '
                                              'metadata was found for |\\b(?:OSError|NotFoundError): '
                                              '[^\\n]*(?:cannot open shared object file|undefined symbol: ))',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 1,
                            'user_log_regex': '(?im)(?:^(?:\\[[^\\]\\n]*\\]:? |[\\w.-]+: )?\\S*python[\\w.]*: no '
                                              'module named \\S|^(?:\\[[^\\]\\n]*\\]:? |[\\w.-]+: )?No module '
                                              'named [\\w\'"]|Error while finding (?:module )?spec(?:ification)? '
                                              'for |__path__ attribute not found on )',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 56,
              'code': 231,
              'phrase': 'ContainerSyntaxError',
              'behavior': 'PERMANENT',
              'reason': "the job's code has a syntax or name error",
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '\\b(?:SyntaxError|IndentationError|TabError): ',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 1,
                            'user_log_regex': '\\bUnpicklingError\\b',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 2,
                            'exit_code': 1,
                            'user_log_regex': "AttributeError: .* has no attribute '",
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 3,
                            'exit_code': 1,
                            'user_log_regex': "(?:NameError: name '[^'\\n]*' is not defined|UnboundLocalError: )",
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 57,
              'code': 233,
              'phrase': 'ContainerIndexOutOfRange',
              'behavior': 'PERMANENT',
              'reason': 'an index was out of range',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:\\bIndexError: |RuntimeError: index -?\\d+ is out of bounds for '
                                              'dimension|RuntimeError: index out of range at )',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 58,
              'code': 234,
              'phrase': 'ContainerSigvFault',
              'behavior': 'PERMANENT',
              'reason': 'a process crashed (segmentation fault)',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?im)(?:(?:^|[^ \\n]|(?:^|[^a\\n]) )segmentation fault|exit codes '
                                              'of the workers are \\{[^}\\n]*SIGSEGV\\(-11\\)|Signal 11 '
                                              '\\(SIGSEGV\\)|exited on signal '
                                              '11|exitcode\\s*:\\s*-11\\b|terminated with signal SIGSEGV|exits '
                                              'with return code = -11\\b|died with <Signals\\.SIGSEGV: '
                                              '11>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero '
                                              'exit status|failed with exit code)\\s*139\\b|returned non-zero exit '
                                              'status '
                                              '-11\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-11\\b))',
                            'platform_log_regex': None,
                            'gpu_ecc': None},
                           {'index': 1,
                            'exit_code': 245,
                            'user_log_regex': '(?im)(?:(?:^|[^ \\n]|(?:^|[^a\\n]) )segmentation fault|exit codes '
                                              'of the workers are \\{[^}\\n]*SIGSEGV\\(-11\\)|Signal 11 '
                                              '\\(SIGSEGV\\)|exited on signal '
                                              '11|exitcode\\s*:\\s*-11\\b|terminated with signal SIGSEGV|exits '
                                              'with return code = -11\\b|died with <Signals\\.SIGSEGV: '
                                              '11>|(?:exit(?:ed)? with status code|Exit code:|returned non-zero '
                                              'exit status|failed with exit code)\\s*139\\b|returned non-zero exit '
                                              'status '
                                              '-11\\b|(?i:\\b(?:exit(?:ed)?|exits|return(?:ed|s)?|terminated|died)\\b[^\\n]{0,30}?\\b(?:code|status|returncode)\\b\\s*[=:]?\\s*-11\\b))',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 59,
              'code': 235,
              'phrase': 'ContainerEngineCoreDump',
              'behavior': 'PERMANENT',
              'reason': 'a process dumped core',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?i)\\(core dumped\\)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 60,
              'code': 239,
              'phrase': 'ContainerRendezvousFailed',
              'behavior': 'TRANSIENT',
              'reason': 'the distributed rendezvous (MASTER_ADDR / the c10d store) could not be reached',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:\\[c10d\\] \\w+ failed on SocketImpl\\(|JAX distributed service '
                                              'detected fatal errors\\. This most likely indicates that another '
                                              'task died|heartbeat timeout\\. This indicates that the remote '
                                              'task|Failed to send RPC to coordination service|\\[c10d\\] The '
                                              'client socket has failed to connect to [^\\n]*\\(errno: '
                                              '11[013]\\b|Exception raised from '
                                              '(?:recvBytes|sendBytes|recvValue|recvVector) at '
                                              '[^\\n]*c10d/Utils\\.hpp)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 61,
              'code': 238,
              'phrase': 'ContainerCollectiveCommunicationFailed',
              'behavior': 'TRANSIENT',
              'reason': 'a collective communication operation (NCCL, gloo, MPI, Horovod) failed or timed out: a '
                        'peer died, the network failed or the communicator was set up wrong',
              'patterns': [{'index': 0,
                            'exit_code': 1,
                            'user_log_regex': '(?:Horovod has been shut down\\. This (?:was|has been) ca|\\bUCX '
                                              '+ERROR\\b)',
                            'platform_log_regex': None,
                            'gpu_ecc': None}]},
             {'index': 62,
              'code': 236,
              'phrase': 'PAIRuntimeRunningThresholdExceeded',
              'behavior': 'UNKNOWN',
              'reason': 'the job ran longer than its running threshold',
              'patterns': []},
             {'index': 63,
              'code': 250,
              'phrase': 'FrameworkBarrierTransientFailed',
              'behavior': 'TRANSIENT',
              'reason': 'the framework barrier failed transiently',
              'patterns': []},
             {'index': 64,
              'code': 251,
              'phrase': 'JobGangAllocationTimeout',
              'behavior': 'TRANSIENT_CONFLICT',
              'reason': 'not every task of the gang was allocated in time',
              'patterns': []},
             {'index': 65,
              'code': 252,
              'phrase': 'FrameworkBarrierPermanentFailed',
              'behavior': 'PERMANENT',
              'reason': 'the framework barrier failed permanently',
              'patterns': []},
             {'index': 66,
              'code': 253,
              'phrase': 'ContainerPortConflict',
              'behavior': 'TRANSIENT',
              'reason': 'a port the job needs is taken',
              'patterns': []},
             {'index': 67,
              'code': 254,
              'phrase': 'ContainerImageNotExists',
              'behavior': 'PERMANENT',
              'reason': 'the image does not exist or cannot be pulled',
              'patterns': []},
             {'index': 68,
              'code': 255,
              'phrase': 'PAIRuntimeUnknownFailed',
              'behavior': 'UNKNOWN',
              'reason': 'the failure matched no exit spec entry',
              'patterns': []}]}
#: ``lint.lint``'s lines (the first 20), each after the spec's path
LINT = ()
