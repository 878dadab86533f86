;; The FIT CRC (CRC-16/ARC) sliced by 8, as WebAssembly: the source of the bytes in crc-wasm.ts
;; (regenerate them with `node scripts/build-crc-wasm.mjs`; a test checks that they match this file).
;;
;; Memory: the slicing tables S0..S7 (256 u16 each) at bytes 0, 512, ..., 3584, written by crc.ts at
;; start-up; the input window from byte 4096. crc(crc, p, end) continues `crc` over memory[p, end).
(module
  (memory (export "memory") 2)
  (func (export "crc") (param $crc i32) (param $p i32) (param $end i32) (result i32)
    (local $a i32) (local $b i32) (local $end8 i32)
    (local.set $end8 (i32.sub (local.get $end) (i32.const 7)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end8)))
        (local.set $a (i32.xor (i32.load (local.get $p)) (local.get $crc)))
        (local.set $b (i32.load offset=4 (local.get $p)))
        (local.set $crc
          (i32.xor
            (i32.xor
              (i32.xor
                (i32.load16_u offset=3584 (i32.shl (i32.and (local.get $a) (i32.const 255)) (i32.const 1)))
                (i32.load16_u offset=3072 (i32.shl (i32.and (i32.shr_u (local.get $a) (i32.const 8)) (i32.const 255)) (i32.const 1))))
              (i32.xor
                (i32.load16_u offset=2560 (i32.shl (i32.and (i32.shr_u (local.get $a) (i32.const 16)) (i32.const 255)) (i32.const 1)))
                (i32.load16_u offset=2048 (i32.shl (i32.shr_u (local.get $a) (i32.const 24)) (i32.const 1)))))
            (i32.xor
              (i32.xor
                (i32.load16_u offset=1536 (i32.shl (i32.and (local.get $b) (i32.const 255)) (i32.const 1)))
                (i32.load16_u offset=1024 (i32.shl (i32.and (i32.shr_u (local.get $b) (i32.const 8)) (i32.const 255)) (i32.const 1))))
              (i32.xor
                (i32.load16_u offset=512 (i32.shl (i32.and (i32.shr_u (local.get $b) (i32.const 16)) (i32.const 255)) (i32.const 1)))
                (i32.load16_u (i32.shl (i32.shr_u (local.get $b) (i32.const 24)) (i32.const 1)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $l)))
    (block $done2
      (loop $l2
        (br_if $done2 (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $crc
          (i32.xor (i32.shr_u (local.get $crc) (i32.const 8))
            (i32.load16_u (i32.shl (i32.and (i32.xor (local.get $crc) (i32.load8_u (local.get $p))) (i32.const 255)) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $l2)))
    (local.get $crc)))
