// The AWS SDK for JavaScript v3 against a bucket in another region, for
// tests/integration/test_regions.py: a client for us-east-1 with followRegionRedirects (as
// users set it on AWS, where the SDK does not follow by default) puts and reads an object in
// a bucket of the region named, then lists every bucket. Prints one JSON line.
//
//   node region_redirect.mjs ENDPOINT BUCKET

import { GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const [endpoint, bucket] = process.argv.slice(2);
const client = new S3Client({
  endpoint, region: 'us-east-1', forcePathStyle: true, followRegionRedirects: true, maxAttempts: 1,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
});
try {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'from-js.txt', Body: 'written by the JS SDK' }));
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'from-js.txt' }));
  const listed = await client.send(new ListBucketsCommand({}));
  console.log(JSON.stringify({
    body: await got.Body.transformToString(),
    buckets: listed.Buckets.map((b) => [b.Name, b.BucketRegion]),
  }));
} catch (e) {
  console.log(JSON.stringify({ error: e.name, message: e.message, status: e.$metadata?.httpStatusCode }));
}
