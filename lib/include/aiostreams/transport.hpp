// Transport interfaces, with asyncio's shapes. The reader needs only reading flow control.
#pragma once

namespace aiostreams {

/// The part of a transport a StreamReader drives: reading flow control.
/// pause_reading() may throw NotImplementedError; the reader then never pauses it again.
class ReadTransport {
 public:
  virtual ~ReadTransport() = default;
  virtual void pause_reading() = 0;
  virtual void resume_reading() = 0;
};

}  // namespace aiostreams
